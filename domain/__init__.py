"""The support domain's vocabulary: plain value types and parsers. Imports nothing of ours."""
