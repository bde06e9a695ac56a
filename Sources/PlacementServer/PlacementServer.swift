// PlacementServer: the wire protocol of DESIGN.md section 7 (one JSON object per line, both
// ways) and the Unix socket daemon that speaks it.
