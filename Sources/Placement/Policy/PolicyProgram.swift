/// Compiled conditions in a flat, typed form, and the interpreter that evaluates them.
///
/// Nodes live in one array per type and refer to their operands by index, so evaluation
/// allocates nothing and the boolean, number and list nodes are plain values. Attributes are
/// resolved to field accessors; constant, per-endpoint and per-request parts were precomputed
/// or marked for memoisation by ``PolicyCompiler``.
///
/// Failure (division by zero) is a third truth value. Here `and` and `or` treat a failed operand
/// as unknown, which lets them skip and reorder operands; ``CompiledPolicy`` then fails any
/// condition in which a division by zero occurs anywhere, as DESIGN.md section 5 requires, so
/// that refinement is never what a rule's verdict rests on. Within this program, `a and b` is false when either operand is false,
/// else failed when either failed, else true; `a or b` is true when either is true, else failed
/// when either failed, else false. So the result is the one every value of the failed part
/// would give, or failed when that depends on it. `x in [a, b]` is `x == a or x == b` and a
/// list equality is the `and` of its element equalities; every other operator fails when an
/// operand fails.
struct PolicyProgram: Sendable {
  /// A node whose value is a boolean (a verdict).
  enum BooleanNode: Sendable {
    /// A known verdict (a folded constant).
    case verdict(RuleVerdict)
    /// A sub-condition that reads only static target attributes, precomputed per endpoint in
    /// `endpointVerdicts[slot * endpointCount + index]`; `body` is used for an endpoint
    /// outside the topology the program was compiled for.
    case endpointTable(slot: Int, body: Int)
    /// A sub-condition that reads only the request, memoised in the scratch.
    case requestMemo(slot: Int, body: Int)
    case not(Int)
    case and(Int, Int)
    case or(Int, Int)
    /// Two number nodes compared.
    case order(CheckedExpression.Ordering, Int, Int)
    /// Two nodes of `kind` compared for equality (or inequality when `negated`).
    case equal(ValueKind, Int, Int, negated: Bool)
    /// Two string nodes: whether the first starts with the second.
    case startsWith(Int, Int)
    /// A string node in a set node.
    case inSet(Int, Int)
    /// A node of the list's element kind in a list node.
    case inList(Int, Int)
  }

  /// A node whose value is a number.
  enum NumberNode: Sendable {
    case constant(Double)
    case attribute(PolicyAttribute.Number)
    case arithmetic(CheckedExpression.Arithmetic, Int, Int)
  }

  /// A node whose value is a string.
  enum StringNode: Sendable {
    case constant(String)
    case attribute(PolicyAttribute.Text)
  }

  /// A list literal: `count` element nodes of `elementKind` at `listElements[start...]`.
  struct ListNode: Sendable {
    /// The kind of the elements; nil for `[]`.
    var elementKind: ValueKind?
    /// Where the elements' node indices start in `listElements`.
    var start: Int
    /// How many elements.
    var count: Int
  }

  /// Which node array a node index refers to.
  enum ValueKind: Sendable, Hashable {
    case boolean
    case number
    case string
    case stringSet
    case list

    /// The kind of a value of `type`.
    init(_ type: PolicyType) {
      switch type {
      case .boolean: self = .boolean
      case .number: self = .number
      case .string: self = .string
      case .stringSet: self = .stringSet
      case .list: self = .list
      }
    }
  }

  var booleans: [BooleanNode] = []
  var numbers: [NumberNode] = []
  var strings: [StringNode] = []
  var sets: [PolicyAttribute.Tags] = []
  var lists: [ListNode] = []
  /// The element node indices of every list.
  var listElements: [Int] = []
  /// Per-endpoint verdicts of the `endpointTable` nodes, slot by slot.
  var endpointVerdicts: [RuleVerdict] = []
  /// How many endpoints the topology has (the stride of `endpointVerdicts`).
  var endpointCount = 0

  // MARK: Evaluation

  /// The verdict of boolean node `node` for `request` on `target`.
  func truth(
    _ node: Int, _ request: PlacementRequest, _ target: TargetFacts,
    _ scratch: inout PolicyScratch
  ) -> RuleVerdict {
    switch booleans[node] {
    case .verdict(let verdict):
      return verdict
    case .endpointTable(let slot, let body):
      let index = target.index
      guard index >= 0 && index < endpointCount else {
        return truth(body, request, target, &scratch)
      }
      return endpointVerdicts[slot &* endpointCount &+ index]
    case .requestMemo(let slot, let body):
      if let known = scratch.verdict(slot: slot) {
        return known
      }
      let verdict = truth(body, request, target, &scratch)
      scratch.record(verdict, slot: slot)
      return verdict
    case .not(let operand):
      return truth(operand, request, target, &scratch).negated
    case .and(let lhs, let rhs):
      let left = truth(lhs, request, target, &scratch)
      if case .doesNotHold = left {
        return .doesNotHold
      }
      switch (left, truth(rhs, request, target, &scratch)) {
      case (_, .doesNotHold): return .doesNotHold
      case (.holds, .holds): return .holds
      default: return .failed
      }
    case .or(let lhs, let rhs):
      let left = truth(lhs, request, target, &scratch)
      if case .holds = left {
        return .holds
      }
      switch (left, truth(rhs, request, target, &scratch)) {
      case (_, .holds): return .holds
      case (.doesNotHold, .doesNotHold): return .doesNotHold
      default: return .failed
      }
    case .order(let ordering, let lhs, let rhs):
      guard let x = number(lhs, request, target, &scratch),
        let y = number(rhs, request, target, &scratch)
      else {
        return .failed
      }
      let holds =
        switch ordering {
        case .less: x < y
        case .lessEqual: x <= y
        case .greater: x > y
        case .greaterEqual: x >= y
        }
      return RuleVerdict(holds)
    case .equal(let kind, let lhs, let rhs, let negated):
      let verdict = equal(kind, lhs, rhs, request, target, &scratch)
      return negated ? verdict.negated : verdict
    case .startsWith(let lhs, let rhs):
      return RuleVerdict(string(lhs, request, target).hasPrefix(string(rhs, request, target)))
    case .inSet(let value, let set):
      let element = string(value, request, target)
      return RuleVerdict(Self.set(sets[set].value(request: request, target: target), has: element))
    case .inList(let value, let list):
      return contains(list, value, request, target, &scratch)
    }
  }

  /// Whether `set` holds `element`. Tag sets are small: comparing a few strings costs less
  /// than hashing one.
  private static func set(_ set: Set<String>, has element: String) -> Bool {
    set.count <= 8 ? set.contains { $0 == element } : set.contains(element)
  }

  /// The value of number node `node`; nil when it fails (division by zero).
  func number(
    _ node: Int, _ request: PlacementRequest, _ target: TargetFacts,
    _ scratch: inout PolicyScratch
  ) -> Double? {
    switch numbers[node] {
    case .constant(let value):
      return value
    case .attribute(let attribute):
      return attribute.value(request: request, target: target)
    case .arithmetic(let arithmetic, let lhs, let rhs):
      guard let x = number(lhs, request, target, &scratch),
        let y = number(rhs, request, target, &scratch)
      else {
        return nil
      }
      switch arithmetic {
      case .add: return x + y
      case .subtract: return x - y
      case .multiply: return x * y
      case .divide: return y == 0 ? nil : x / y
      }
    }
  }

  /// The value of string node `node`.
  func string(_ node: Int, _ request: PlacementRequest, _ target: TargetFacts) -> String {
    switch strings[node] {
    case .constant(let value): value
    case .attribute(let attribute): attribute.value(request: request, target: target)
    }
  }

  /// Whether nodes `lhs` and `rhs`, both of `kind`, are equal.
  private func equal(
    _ kind: ValueKind, _ lhs: Int, _ rhs: Int, _ request: PlacementRequest,
    _ target: TargetFacts, _ scratch: inout PolicyScratch
  ) -> RuleVerdict {
    switch kind {
    case .boolean:
      switch (truth(lhs, request, target, &scratch), truth(rhs, request, target, &scratch)) {
      case (.failed, _), (_, .failed): return .failed
      case (.holds, .holds), (.doesNotHold, .doesNotHold): return .holds
      default: return .doesNotHold
      }
    case .number:
      guard let x = number(lhs, request, target, &scratch),
        let y = number(rhs, request, target, &scratch)
      else {
        return .failed
      }
      return RuleVerdict(x == y)
    case .string:
      return RuleVerdict(string(lhs, request, target) == string(rhs, request, target))
    case .stringSet:
      let x = sets[lhs].value(request: request, target: target)
      let y = sets[rhs].value(request: request, target: target)
      return RuleVerdict(x == y)
    case .list:
      // The `and` of the element equalities; lists of different lengths differ.
      let (x, y) = (lists[lhs], lists[rhs])
      guard x.count == y.count else {
        return .doesNotHold
      }
      guard let elementKind = x.elementKind ?? y.elementKind else {
        return .holds  // two empty lists
      }
      var failed = false
      for offset in 0..<x.count {
        let a = listElements[x.start + offset]
        let b = listElements[y.start + offset]
        switch equal(elementKind, a, b, request, target, &scratch) {
        case .doesNotHold: return .doesNotHold
        case .failed: failed = true
        case .holds: break
        }
      }
      return failed ? .failed : .holds
    }
  }

  /// Whether list node `list` contains node `value`: the `or` of the element equalities.
  private func contains(
    _ list: Int, _ value: Int, _ request: PlacementRequest, _ target: TargetFacts,
    _ scratch: inout PolicyScratch
  ) -> RuleVerdict {
    let node = lists[list]
    guard let kind = node.elementKind else {
      return .doesNotHold  // nothing is in []
    }
    var failed = false
    switch kind {
    case .number:
      guard let x = number(value, request, target, &scratch) else {
        return .failed
      }
      for offset in 0..<node.count {
        guard let y = number(listElements[node.start + offset], request, target, &scratch) else {
          failed = true
          continue
        }
        if x == y {
          return .holds
        }
      }
    case .string:
      let x = string(value, request, target)
      for offset in 0..<node.count
      where string(listElements[node.start + offset], request, target) == x {
        return .holds
      }
    default:
      for offset in 0..<node.count {
        switch equal(kind, value, listElements[node.start + offset], request, target, &scratch) {
        case .holds: return .holds
        case .failed: failed = true
        case .doesNotHold: break
        }
      }
    }
    return failed ? .failed : .doesNotHold
  }
}
