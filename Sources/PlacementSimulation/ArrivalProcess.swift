/// When requests arrive (the workload's `arrivals` object, chosen by its `process` field).
///
/// ```json
/// { "process": "poisson", "rate_per_s": 120 }
/// { "process": "bursty", "rate_per_s": 100,
///   "steps": [ { "at_s": 300, "rate_per_s": 160 } ],
///   "daily": { "amplitude": 0.5, "peak_at_s": 50400, "period_s": 86400 },
///   "spikes": [ { "at_s": 120, "duration_s": 20, "multiplier": 3 } ] }
/// { "process": "trace", "file": "requests.trace.jsonl" }
/// ```
public enum ArrivalProcess: Sendable, Hashable {
  /// A Poisson process: independent arrivals at a constant rate per second.
  case poisson(ratePerSecond: Double)
  /// A Poisson process whose rate changes over time (see ``RateProfile``), drawn by thinning.
  case bursty(RateProfile)
  /// Recorded requests replayed at their timestamps (see ``TimedRequest``), sorted by time.
  case trace([TimedRequest])
}
