"""What the workbench computes from journeys and scores: flow, weakness, diagnostics, comparison, ideas, surveys."""
