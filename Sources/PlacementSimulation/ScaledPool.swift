/// One cloud pool's autoscaling state in a simulated run.
struct ScaledPool {
  /// The pool's index in the run's topology.
  let pool: Int
  let id: String
  /// Endpoint ids taking requests.
  var active: [String]
  /// Endpoint ids marked down, waiting to be idle.
  var draining: [String] = []
  /// Removed endpoint ids, reused by the next provisioning.
  var spare: [String] = []
  /// Provisioning requests not ready yet: when each was asked for.
  var pending: [Double] = []
  /// Recommendations within the cool-down: (time, endpoints).
  var recent: [(time: Double, endpoints: Int)] = []
  var clones = 0
}
