"""Training code for every shipped artifact (``make models`` / ``framing train``).

Data comes from ``../shared/data`` (or ``$FRAMING_DATA``); nothing from it is copied into models/.
"""
