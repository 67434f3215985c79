"""Tests of chợ 4.0 markets, stalls, stall sales, approvals and reports."""
