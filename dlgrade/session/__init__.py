"""Friday evaluation sessions: session files, late policies, grading and the live view."""
