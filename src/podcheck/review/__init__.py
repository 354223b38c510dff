"""What the review meeting reads besides the verdict: checklist, scorecard, diff, what shaped it."""
