"""Judging: the rule book, the pure engine, the frozen report, waivers and the pilot decision."""
