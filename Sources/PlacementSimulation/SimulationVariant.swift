import Placement

/// One configuration a comparison runs the workload against: a policy set and, optionally, one
/// balancer that overrides the topology's for both tiers.
public struct SimulationVariant: Sendable {
  /// How the variant is named in reports: `POLICIES / BALANCER`.
  /// With a scaling strategy, ` / STRATEGY` follows.
  public var name: String {
    let base = "\(policiesName) / \(balancer?.rawValue ?? "topology")"
    return scaling.map { "\(base) / \($0.rawValue)" } ?? base
  }
  /// The policy set's name, for example its directory's last component.
  public var policiesName: String
  /// The policy set.
  public var policies: PolicySet
  /// The balancer both tiers use; nil keeps the topology's.
  public var balancer: BalancerKind?
  /// How the cloud pools are sized (see ``SimulatedAutoscaling``); nil: as the topology lists.
  public var scaling: ScalingStrategy?

  /// Creates a variant.
  public init(
    policiesName: String, policies: PolicySet, balancer: BalancerKind? = nil,
    scaling: ScalingStrategy? = nil
  ) {
    self.policiesName = policiesName
    self.policies = policies
    self.balancer = balancer
    self.scaling = scaling
  }
}
