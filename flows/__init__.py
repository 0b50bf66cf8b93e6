"""Prefect flows: they only order the pipeline's tasks; the work lives in `qa_pipeline`."""
