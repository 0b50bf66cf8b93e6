"""A 60-minute mono call transcribes without memory growing past 3 GB (slow: ~10 minutes on
2 CPU cores). The transcription runs in a child process so that its peak RSS is its own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import make_test_audio
import pytest

CHILD = """
import json, resource, sys
from qa_pipeline.audio import AudioPipeline
conv = AudioPipeline.from_settings().transcribe(sys.argv[1])
print(json.dumps({
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "utterances": len(conv.utterances),
    "words": sum(len(u.words) for u in conv.utterances),
    "duration_s": conv.extra["audio"]["duration_s"],
    "last_end": conv.utterances[-1].end,
}))
"""


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_sixty_minute_call_stays_under_three_gigabytes(tmp_path: Path) -> None:
    if not make_test_audio.espeak_available():
        pytest.skip("espeak-ng is not installed")
    path = tmp_path / "hour.flac"
    duration = make_test_audio.render_long_call(path, minutes=60, sample_rate=8_000)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(result)
    assert result["duration_s"] == pytest.approx(duration, abs=1.0)
    assert result["peak_rss_mb"] < 3 * 1024
    # speech all the way to the end: the windows were stitched, not dropped
    assert result["last_end"] > duration - 120
    assert result["words"] > 5_000
