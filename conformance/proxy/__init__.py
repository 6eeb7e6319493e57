"""`conformance proxy`: a reverse proxy that judges live traffic by the catalog's passive rules.

forward.py forwards, judge.py judges one exchange, session.py accumulates a RunResult,
command.py is the command line.
"""
