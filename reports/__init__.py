"""The evaluation pack: the Word report, the quarterly bulletin, the scorecard, the meeting deck and frozen
evaluations (`python -m reports --help`). Every figure is read from `indicators/` at one date."""
