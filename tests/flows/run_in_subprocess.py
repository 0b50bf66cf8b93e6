"""Run the flow in its own process and report each loaded batch on stdout (the kill test and
the concurrent-reader test drive this). Usage: run_in_subprocess.py INPUT WAREHOUSE RUBRIC PAUSE_S"""

from __future__ import annotations

import sys
import time
from typing import Any

from flows.process_calls import run_process_calls


def main() -> None:
    input_path, warehouse, rubric, pause = sys.argv[1:5]

    def report(event: str, data: dict[str, Any]) -> None:
        print(event, data.get("total", data.get("judged", "")), flush=True)
        if event == "batch":
            time.sleep(float(pause))  # room for the test to read, or to kill between batches

    run_process_calls(input_path, warehouse, rubric=rubric, batch_size=2, progress=report)
    print("done", flush=True)


if __name__ == "__main__":
    main()
