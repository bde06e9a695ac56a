/// A policy set compiled against one topology: what the engine evaluates on the decision path.
///
/// Compiling resolves every attribute to a field, folds constants, precomputes for every
/// endpoint the parts of each condition that read only static target attributes, marks the
/// parts that read only the request for memoisation in a ``PolicyScratch``, and specialises
/// each rule for each endpoint, so a typical rule comes down to a known verdict or one memo
/// lookup. Evaluating a rule allocates nothing.
struct CompiledPolicy: Sendable {
  /// The policy set this was compiled from.
  let policy: PolicySet
  private let program: PolicyProgram
  /// The boolean node of each rule's condition, by index into `policy.rules`.
  private let roots: [Int]
  /// The condition of rule `r` specialised for endpoint `e` (see
  /// ``PolicyCompiler/specialize(_:)``) at `endpointRoots[r * endpointCount + e]`.
  private let endpointRoots: [Int]
  private let endpointCount: Int
  /// The conditions that can divide by zero, by rule index (nil for the others): after the compiled
  /// verdict, they are checked for a division by zero anywhere, which fails the condition as a
  /// whole (DESIGN.md section 5), whatever `and` and `or` would have skipped.
  private let dividingConditions: [CheckedExpression?]

  /// Compiles `policy` for `topology` (endpoints in topology order: pools in file order, then
  /// their endpoints).
  init(policy: PolicySet, topology: Topology) {
    self.init(policy: policy, topology: topology, stageAnalysis: true)
  }

  /// Compiles `policy` for `topology`; without `stageAnalysis` nothing is precomputed or
  /// memoised (a reference to test the optimised form against).
  init(policy: PolicySet, topology: Topology, stageAnalysis: Bool) {
    var compiler = PolicyCompiler(topology: topology, stageAnalysis: stageAnalysis)
    let roots = policy.rules.map { compiler.compile(condition: $0.condition) }
    self.roots = roots
    self.endpointRoots = roots.flatMap { compiler.specialize($0) }
    self.endpointCount = compiler.program.endpointCount
    self.program = compiler.program
    self.policy = policy
    self.dividingConditions = policy.rules.map {
      $0.condition.canDivideByZero ? $0.condition : nil
    }
  }

  /// The verdict of rule `ruleIndex` on endpoint `index` (topology order) when it is the same
  /// for every request and every live state of the endpoint: the condition specialised for
  /// the endpoint folded to a verdict, and it divides by nothing. Nil when it must be evaluated.
  func knownVerdict(rule ruleIndex: Int, endpoint index: Int) -> RuleVerdict? {
    guard dividingConditions[ruleIndex] == nil, index >= 0, index < endpointCount,
      case .verdict(let verdict) = program.booleans[
        endpointRoots[ruleIndex * endpointCount + index]]
    else { return nil }
    return verdict
  }

  /// The scratch slot that memoises the whole of rule `ruleIndex` on endpoint `index`, when
  /// its condition specialised for the endpoint reads only the request and divides by nothing:
  /// once the slot is known for a request, it is the rule's verdict there.
  func requestMemoSlot(rule ruleIndex: Int, endpoint index: Int) -> Int? {
    guard dividingConditions[ruleIndex] == nil, index >= 0, index < endpointCount,
      case .requestMemo(let slot, _) = program.booleans[
        endpointRoots[ruleIndex * endpointCount + index]],
      slot < PolicyScratch.capacity
    else { return nil }
    return slot
  }

  /// Evaluates rule `ruleIndex` (an index into policy.rules) for `request` on `target`.
  ///
  /// `target.index` must be the endpoint's position in the topology this was compiled for, and
  /// `scratch` must have been reset since the last request.
  func evaluate(
    rule ruleIndex: Int, request: PlacementRequest, target: TargetFacts,
    scratch: inout PolicyScratch
  ) -> RuleVerdict {
    let index = target.index
    let root =
      index >= 0 && index < endpointCount
      ? endpointRoots[ruleIndex &* endpointCount &+ index] : roots[ruleIndex]
    let verdict = program.truth(root, request, target, &scratch)
    if verdict != .failed, let condition = dividingConditions[ruleIndex],
      condition.divisionFails(request: request, target: target)
    {
      return .failed
    }
    return verdict
  }
}
