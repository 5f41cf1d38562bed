"""Skill ratings from ranked contests (pure: no database)."""
