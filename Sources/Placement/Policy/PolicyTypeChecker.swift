/// Checks parsed conditions against the attribute table and the typing rules (DESIGN.md
/// section 5, types) and resolves them into ``CheckedExpression``s.
///
/// Every error is reported once: a node whose operand was already wrong is not reported again.
struct PolicyTypeChecker {
  private let file: String
  /// The errors found so far.
  private(set) var diagnostics: [PolicyDiagnostic] = []

  /// A checker whose diagnostics name `file`.
  init(file: String) {
    self.file = file
  }

  private typealias Typed = (expression: CheckedExpression, type: PolicyType)

  /// Checks a rule's `when` condition, which must be a boolean; nil when it has errors.
  mutating func checkCondition(_ condition: PolicyExpression) -> CheckedExpression? {
    guard let (checked, type) = check(condition) else {
      return nil
    }
    guard type == .boolean else {
      let hint =
        switch type {
        case .stringSet, .list: "test membership with 'in', for example '\"pii\" in request.tags'"
        case .number: "compare it with an operator such as '>' or '=='"
        default: "compare it with an operator such as '==' or 'starts_with'"
        }
      report(
        "the 'when' condition must be a boolean, got \(type.withArticle); \(hint)",
        at: condition.start)
      return nil
    }
    return checked
  }

  private mutating func report(_ message: String, at location: SourceLocation) {
    diagnostics.append(PolicyDiagnostic(file: file, location: location, message: message))
  }

  private mutating func check(_ expression: PolicyExpression) -> Typed? {
    switch expression.kind {
    case .number(let value):
      return (.number(value), .number)
    case .string(let value):
      return (.string(value), .string)
    case .boolean(let value):
      return (.boolean(value), .boolean)
    case .list(let elements):
      return checkList(elements)
    case .attribute(let object, let name):
      guard let attribute = AttributeCatalog.attribute(named: "\(object).\(name)") else {
        let suggestion = AttributeCatalog.suggestion(object: object, name: name)
        report(
          "unknown attribute '\(object).\(name)'; did you mean '\(suggestion)'?",
          at: expression.location)
        return nil
      }
      return (.attribute(attribute), attribute.type)
    case .not(let operand):
      guard let (checked, type) = check(operand) else {
        return nil
      }
      guard type == .boolean else {
        report("'not' expects a boolean, got \(type.withArticle)", at: expression.location)
        return nil
      }
      return (.not(checked), .boolean)
    case .binary(let op, let lhs, let rhs):
      let left = check(lhs)
      let right = check(rhs)
      guard let left, let right else {
        return nil
      }
      return checkBinary(op, left, right, at: expression.location)
    }
  }

  /// A list holds values of one type; `[]` is allowed.
  private mutating func checkList(_ elements: [PolicyExpression]) -> Typed? {
    var checked: [CheckedExpression] = []
    var elementType: PolicyType?
    var valid = true
    for element in elements {
      guard let (expression, type) = check(element) else {
        valid = false
        continue
      }
      checked.append(expression)
      guard let known = elementType else {
        elementType = type
        continue
      }
      guard let unified = PolicyType.unified(known, type) else {
        report(
          "a list holds values of one type, but this element is \(type.withArticle) "
            + "and the ones before it are \(known.plural)",
          at: element.start)
        valid = false
        continue
      }
      elementType = unified
    }
    return valid ? (.list(checked, element: elementType), .list(elementType)) : nil
  }

  private mutating func checkBinary(
    _ op: PolicyExpression.Operator, _ left: Typed, _ right: Typed, at location: SourceLocation
  ) -> Typed? {
    let (l, r) = (left.expression, right.expression)
    let got = "got \(left.type.withArticle) and \(right.type.withArticle)"
    let bothNumbers = left.type == .number && right.type == .number
    switch op {
    case .and, .or:
      guard left.type == .boolean && right.type == .boolean else {
        report("'\(op.rawValue)' expects two booleans, \(got)", at: location)
        return nil
      }
      return (op == .and ? .and(l, r) : .or(l, r), .boolean)
    case .add, .subtract, .multiply, .divide:
      guard bothNumbers else {
        report("'\(op.rawValue)' expects two numbers, \(got)", at: location)
        return nil
      }
      let arithmetic: CheckedExpression.Arithmetic =
        switch op {
        case .add: .add
        case .subtract: .subtract
        case .multiply: .multiply
        default: .divide
        }
      return (.arithmetic(arithmetic, l, r), .number)
    case .less, .lessEqual, .greater, .greaterEqual:
      guard bothNumbers else {
        report("'\(op.rawValue)' expects two numbers, \(got)", at: location)
        return nil
      }
      let ordering: CheckedExpression.Ordering =
        switch op {
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        default: .greaterEqual
        }
      return (.order(ordering, l, r), .boolean)
    case .equal, .notEqual:
      guard let type = PolicyType.unified(left.type, right.type) else {
        var message = "'\(op.rawValue)' expects two values of one type, \(got)"
        if Self.isMembership(left.type, in: right.type)
          || Self.isMembership(right.type, in: left.type)
        {
          message += "; to test whether a value is in a set or a list, use 'in'"
        }
        report(message, at: location)
        return nil
      }
      return (.equal(l, r, type: type, negated: op == .notEqual), .boolean)
    case .in:
      switch right.type {
      case .stringSet:
        guard left.type == .string else {
          report(
            "'in' expects a string on its left to look up in a set of strings, "
              + "got \(left.type.withArticle)",
            at: location)
          return nil
        }
        return (.inSet(l, r), .boolean)
      case .list(let element):
        if let element, PolicyType.unified(left.type, element) == nil {
          report(
            "'in' expects a value of the list's element type on its left, \(got)", at: location)
          return nil
        }
        return (.inList(l, r), .boolean)
      default:
        var message = "'in' expects a set or a list on its right, got \(right.type.withArticle)"
        if left.type == right.type {
          message += "; to compare two \(right.type.plural) use '=='"
        }
        report(message, at: location)
        return nil
      }
    case .startsWith:
      guard left.type == .string && right.type == .string else {
        report("'starts_with' expects two strings, \(got)", at: location)
        return nil
      }
      return (.startsWith(l, r), .boolean)
    }
  }

  /// Whether a value of type `value` could be an element of `collection`.
  private static func isMembership(_ value: PolicyType, in collection: PolicyType) -> Bool {
    switch collection {
    case .stringSet: value == .string
    case .list(let element?): PolicyType.unified(value, element) != nil
    default: false
    }
  }
}
