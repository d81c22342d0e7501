"""Mutation check: inject one-line bugs into a copy of the project and record which tests catch them."""
