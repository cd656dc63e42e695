"""The QA checklist: who may review, the checklist modal and its signals, reviews and appeals."""
