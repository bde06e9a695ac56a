/// Watches the load the engine places, for signals computed outside it (the autoscaling
/// forecaster in `PlacementScaling`).
///
/// The engine calls it while holding its lock, with the time read from its own
/// ``PlacementClock``, so a simulator on a ``ManualClock`` and a daemon on the
/// ``MonotonicClock`` feed it the same way. An implementation must be quick and must not
/// allocate on these calls (count into preallocated buckets), and must never call back into the
/// engine: it runs under the engine's lock.
public protocol PlacementObserver: Sendable {
  /// A request was placed (a lease taken) on an endpoint of `pool` at `time`.
  func placed(onPool pool: String, at time: Duration)

  /// A lease on an endpoint of `pool` completed `ok` at `time`; `computeMs` is the observed time
  /// less the network terms (round trip and transfer), the same figure the compute estimate
  /// learns from.
  func completed(onPool pool: String, computeMs: Double, at time: Duration)
}
