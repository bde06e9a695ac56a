/// Compiles checked conditions into a ``PolicyProgram`` for one topology.
///
/// With stage analysis on (the default), each maximal boolean sub-condition is placed by what
/// it reads (``PolicyStage``): constant ones are folded to a verdict, those that read only
/// static target attributes are evaluated for every endpoint now and become a table lookup,
/// those that read only the request are memoised per request. Constant numbers are folded,
/// `and`/`or` with a constant operand are simplified, and the cheaper operand of `and`/`or` is
/// evaluated first (their meaning does not depend on operand order). A sub-condition written
/// more than once shares one table or memo slot. With stage analysis off
/// the program is a plain tree walk of the condition, which tests compare against.
struct PolicyCompiler {
  /// The program built so far.
  private(set) var program = PolicyProgram()
  private let endpointFacts: [TargetFacts]
  private let stageAnalysis: Bool
  private var memoSlots = 0
  private var endpointSlots = 0

  /// The sealed per-endpoint and per-request nodes, by the sub-condition they compute, so a
  /// sub-condition written twice (in one rule or in several) is computed and memoised once.
  private var tableNodes: [CheckedExpression: Int] = [:]
  private var memoNodes: [CheckedExpression: Int] = [:]
  /// The nodes of the three verdicts, once each.
  private var verdictNodes: [RuleVerdict: Int] = [:]

  /// A compiled sub-condition: its node, which node array it is in, its stage, and the checked
  /// expression it computes.
  private struct Fragment {
    var kind: PolicyProgram.ValueKind
    var node: Int
    var stage: PolicyStage
    var expression = CheckedExpression.boolean(true)
  }

  /// A compiler for `topology`'s endpoints, in topology order.
  init(topology: Topology, stageAnalysis: Bool) {
    var facts: [TargetFacts] = []
    for pool in topology.pools {
      for endpoint in pool.endpoints {
        // Static attributes only: the live numbers are never read at this stage.
        let estimate = LatencyEstimate(rttMs: pool.rttMs, transferMs: 0, queueMs: 0, computeMs: 0)
        facts.append(
          TargetFacts(
            index: facts.count, pool: pool, endpoint: endpoint, inFlight: 0, estimate: estimate))
      }
    }
    self.endpointFacts = facts
    self.stageAnalysis = stageAnalysis
    program.endpointCount = facts.count
  }

  /// Compiles `condition`; returns its boolean node.
  mutating func compile(condition: CheckedExpression) -> Int {
    seal(compile(condition))
  }

  /// The condition at `root` specialised for each endpoint, in topology order: every
  /// per-endpoint table is replaced by that endpoint's verdict and `and`, `or` and `not` are
  /// simplified, so most rules come down to a verdict or one memo lookup per endpoint.
  mutating func specialize(_ root: Int) -> [Int] {
    guard stageAnalysis else {
      return Array(repeating: root, count: endpointFacts.count)
    }
    return endpointFacts.indices.map { specialize(root, endpoint: $0) }
  }

  private mutating func specialize(_ node: Int, endpoint: Int) -> Int {
    switch program.booleans[node] {
    case .endpointTable(let slot, _):
      return verdictNode(program.endpointVerdicts[slot * program.endpointCount + endpoint])
    case .not(let operand):
      let specialized = specialize(operand, endpoint: endpoint)
      if case .verdict(let verdict) = program.booleans[specialized] {
        return verdictNode(verdict.negated)
      }
      return specialized == operand ? node : add(.not(specialized), .candidate).node
    case .and(let lhs, let rhs), .or(let lhs, let rhs):
      let isAnd = if case .and = program.booleans[node] { true } else { false }
      let left = specialize(lhs, endpoint: endpoint)
      let right = specialize(rhs, endpoint: endpoint)
      if let simpler = simplified(isAnd: isAnd, left, right) {
        return simpler
      }
      if left == lhs && right == rhs {
        return node
      }
      return add(isAnd ? .and(left, right) : .or(left, right), .candidate).node
    default:
      return node
    }
  }

  /// The node of `verdict`.
  private mutating func verdictNode(_ verdict: RuleVerdict) -> Int {
    if let node = verdictNodes[verdict] {
      return node
    }
    let node = add(.verdict(verdict), .constant).node
    verdictNodes[verdict] = node
    return node
  }

  /// What `x and y` (or `x or y`) comes to when an operand is a verdict that decides it:
  /// `true and y` is y, `false and y` is false; `false or y` is y, `true or y` is true. Nil when
  /// neither operand decides.
  private mutating func simplified(isAnd: Bool, _ x: Int, _ y: Int) -> Int? {
    let identity: RuleVerdict = isAnd ? .holds : .doesNotHold
    for (known, other) in [(x, y), (y, x)] {
      guard case .verdict(let verdict) = program.booleans[known] else {
        continue
      }
      if verdict == identity {
        return other
      }
      if verdict == identity.negated {
        return verdictNode(verdict)
      }
    }
    return nil
  }

  // MARK: Nodes

  private mutating func add(_ node: PolicyProgram.BooleanNode, _ stage: PolicyStage) -> Fragment {
    program.booleans.append(node)
    return Fragment(kind: .boolean, node: program.booleans.count - 1, stage: stage)
  }

  private mutating func add(_ node: PolicyProgram.NumberNode, _ stage: PolicyStage) -> Fragment {
    program.numbers.append(node)
    return Fragment(kind: .number, node: program.numbers.count - 1, stage: stage)
  }

  private mutating func add(_ node: PolicyProgram.StringNode, _ stage: PolicyStage) -> Fragment {
    program.strings.append(node)
    return Fragment(kind: .string, node: program.strings.count - 1, stage: stage)
  }

  private mutating func compile(_ expression: CheckedExpression) -> Fragment {
    var fragment = compileNode(expression)
    fragment.expression = expression
    return fragment
  }

  private mutating func compileNode(_ expression: CheckedExpression) -> Fragment {
    switch expression {
    case .number(let value):
      return add(.constant(value), .constant)
    case .string(let value):
      return add(.constant(value), .constant)
    case .boolean(let value):
      return add(.verdict(value ? .holds : .doesNotHold), .constant)
    case .attribute(.number(let attribute)):
      return add(.attribute(attribute), attribute.stage)
    case .attribute(.string(let attribute)):
      return add(.attribute(attribute), attribute.stage)
    case .attribute(.stringSet(let attribute)):
      program.sets.append(attribute)
      return Fragment(kind: .stringSet, node: program.sets.count - 1, stage: attribute.stage)
    case .list(let elements, let elementType):
      let (nodes, stage) = operands(elements.map { compile($0) })
      program.lists.append(
        PolicyProgram.ListNode(
          elementKind: elementType.map(PolicyProgram.ValueKind.init),
          start: program.listElements.count, count: nodes.count))
      program.listElements += nodes
      return Fragment(kind: .list, node: program.lists.count - 1, stage: stage)
    case .not(let operand):
      let (nodes, stage) = operands([compile(operand)])
      return add(.not(nodes[0]), stage)
    case .and(let lhs, let rhs):
      return connective(isAnd: true, compile(lhs), compile(rhs))
    case .or(let lhs, let rhs):
      return connective(isAnd: false, compile(lhs), compile(rhs))
    case .arithmetic(let arithmetic, let lhs, let rhs):
      let (nodes, stage) = operands([compile(lhs), compile(rhs)])
      return add(.arithmetic(arithmetic, nodes[0], nodes[1]), stage)
    case .order(let ordering, let lhs, let rhs):
      let (nodes, stage) = operands([compile(lhs), compile(rhs)])
      return add(.order(ordering, nodes[0], nodes[1]), stage)
    case .equal(let lhs, let rhs, let type, let negated):
      let (nodes, stage) = operands([compile(lhs), compile(rhs)])
      return add(.equal(PolicyProgram.ValueKind(type), nodes[0], nodes[1], negated: negated), stage)
    case .startsWith(let lhs, let rhs):
      let (nodes, stage) = operands([compile(lhs), compile(rhs)])
      return add(.startsWith(nodes[0], nodes[1]), stage)
    case .inSet(let lhs, let rhs):
      let (nodes, stage) = operands([compile(lhs), compile(rhs)])
      return add(.inSet(nodes[0], nodes[1]), stage)
    case .inList(let lhs, let rhs):
      let (nodes, stage) = operands([compile(lhs), compile(rhs)])
      return add(.inList(nodes[0], nodes[1]), stage)
    }
  }

  /// The operand nodes of a node built from `fragments`, and that node's stage. An operand
  /// whose stage differs from the node's is maximal, so it is sealed here; one with the same
  /// stage is left for the node to be sealed as a whole.
  private mutating func operands(_ fragments: [Fragment]) -> (nodes: [Int], stage: PolicyStage) {
    let stage = fragments.reduce(PolicyStage.constant) { $0.joined(with: $1.stage) }
    let nodes = fragments.map { $0.stage == stage ? $0.node : seal($0) }
    return (nodes, stage)
  }

  /// `and` / `or`, simplified when an operand is a known verdict, cheaper operand first.
  private mutating func connective(isAnd: Bool, _ lhs: Fragment, _ rhs: Fragment) -> Fragment {
    guard stageAnalysis else {
      let stage = lhs.stage.joined(with: rhs.stage)
      return add(isAnd ? .and(lhs.node, rhs.node) : .or(lhs.node, rhs.node), stage)
    }
    let (nodes, stage) = operands([lhs, rhs])
    var (left, right) = (nodes[0], nodes[1])
    if let simpler = simplified(isAnd: isAnd, left, right) {
      // A verdict operand is constant, so the other operand has the node's stage.
      if case .verdict = program.booleans[simpler] {
        return Fragment(kind: .boolean, node: simpler, stage: .constant)
      }
      return Fragment(kind: .boolean, node: simpler, stage: stage)
    }
    if cost(right) < cost(left) {
      swap(&left, &right)
    }
    return add(isAnd ? .and(left, right) : .or(left, right), stage)
  }

  /// A rough cost of evaluating boolean node `node` at run time.
  private func cost(_ node: Int) -> Int {
    switch program.booleans[node] {
    case .verdict: 0
    case .endpointTable: 1
    case .requestMemo: 2
    case .not(let operand): cost(operand)
    case .and(let lhs, let rhs), .or(let lhs, let rhs): 1 + cost(lhs) + cost(rhs)
    default: 10
    }
  }

  /// Turns a maximal sub-condition into its precomputed form (see the type's documentation);
  /// returns its node.
  private mutating func seal(_ fragment: Fragment) -> Int {
    guard stageAnalysis else {
      return fragment.node
    }
    var scratch = PolicyScratch()
    switch (fragment.kind, fragment.stage) {
    case (.boolean, .constant):
      guard case .verdict = program.booleans[fragment.node] else {
        return verdictNode(program.truth(fragment.node, Self.noRequest, Self.noTarget, &scratch))
      }
      return fragment.node
    case (.boolean, .endpoint):
      if let node = tableNodes[fragment.expression] {
        return node
      }
      let slot = endpointSlots
      endpointSlots += 1
      for facts in endpointFacts {
        program.endpointVerdicts.append(
          program.truth(fragment.node, Self.noRequest, facts, &scratch))
      }
      let node = add(.endpointTable(slot: slot, body: fragment.node), .endpoint).node
      tableNodes[fragment.expression] = node
      return node
    case (.boolean, .request):
      if let node = memoNodes[fragment.expression] {
        return node
      }
      let node = add(.requestMemo(slot: memoSlots, body: fragment.node), .request).node
      memoSlots += 1
      memoNodes[fragment.expression] = node
      return node
    case (.number, .constant):
      guard case .arithmetic = program.numbers[fragment.node],
        let value = program.number(fragment.node, Self.noRequest, Self.noTarget, &scratch)
      else {
        return fragment.node  // already a constant, or fails at run time
      }
      return add(.constant(value), .constant).node
    default:
      return fragment.node
    }
  }

  /// The request seen when evaluating parts that do not read the request.
  private static let noRequest = PlacementRequest(model: "", latencyBudgetMs: 0)

  /// The target seen when evaluating parts that read nothing.
  private static let noTarget = TargetFacts(
    index: -1,
    pool: Pool(
      id: "", tier: .edge, region: "", rttMs: 0, bandwidthMbps: 1, costPerHour: 0, tags: [],
      publicKey: nil, endpoints: []),
    endpoint: Endpoint(id: "", gpu: "", weight: 1, capacity: 1, models: [:]),
    inFlight: 0, estimate: LatencyEstimate(rttMs: 0, transferMs: 0, queueMs: 0, computeMs: 0))
}
