"""The blueprints of markets: the manager console, approvals, reports, sellers, stall pages."""
