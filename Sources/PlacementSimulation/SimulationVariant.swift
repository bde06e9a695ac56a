import Placement

/// One configuration a comparison runs the workload against: a policy set and, optionally, one
/// balancer that overrides the topology's for both tiers.
public struct SimulationVariant: Sendable {
  /// How the variant is named in reports: `POLICIES / BALANCER`.
  public var name: String { "\(policiesName) / \(balancer?.rawValue ?? "topology")" }
  /// The policy set's name, for example its directory's last component.
  public var policiesName: String
  /// The policy set.
  public var policies: PolicySet
  /// The balancer both tiers use; nil keeps the topology's.
  public var balancer: BalancerKind?

  /// Creates a variant.
  public init(policiesName: String, policies: PolicySet, balancer: BalancerKind? = nil) {
    self.policiesName = policiesName
    self.policies = policies
    self.balancer = balancer
  }
}
