"""What the panel reads across every area: the dashboard's figures and the audit trail in words.
Above the other areas, as both name rows of any of them; nothing below imports these."""
