"""Text processing: normalisation, language models, speaker roles, numbers and dates."""
