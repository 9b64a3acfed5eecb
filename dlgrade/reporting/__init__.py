"""The instructor's reports: a data model built from the gradebook, rendered for the terminal and as HTML."""
