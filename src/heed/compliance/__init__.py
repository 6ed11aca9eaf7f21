"""The compliance dashboard (issue 13): per force and per handler figures over a period, monthly trends, the
calls behind each figure, a CSV, and the dip sample of closed calls drawn each month for quality review."""
