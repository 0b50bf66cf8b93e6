"""The Streamlit app over the warehouse: it only reads, draws and records people's decisions.

Started by ``qa-pipeline app``; the entry script is ``app_streamlit/main.py``. It never imports
model code: everything it shows comes from the DuckDB warehouse and the review side store.
"""
