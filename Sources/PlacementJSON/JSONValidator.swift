/// Reads typed fields out of parsed JSON and collects every issue instead of stopping at the
/// first, each naming its JSON path. Unknown and repeated keys are issues too: a misspelt field
/// must never pass silently.
package struct JSONValidator {
  /// Everything found wrong so far, in document order.
  package private(set) var issues: [JSONIssue] = []

  package init() {}

  /// A rule a number must follow.
  package enum NumberRule: Sendable {
    /// Any finite number.
    case any
    /// Greater than zero.
    case positive
    /// Zero or more.
    case nonNegative
    /// A whole number no less than the bound.
    case integer(atLeast: Int)

    /// How the rule reads after "expected".
    package var expectation: String {
      switch self {
      case .any: return "a number"
      case .positive: return "a number > 0"
      case .nonNegative: return "a number >= 0"
      case .integer(let bound): return "an integer >= \(bound)"
      }
    }

    package func accepts(_ number: Double) -> Bool {
      switch self {
      case .any: return number.isFinite
      case .positive: return number > 0
      case .nonNegative: return number >= 0
      case .integer(let bound):
        return number.rounded() == number && number >= Double(bound) && number < 0x1p53
      }
    }
  }

  /// The path of member `key` inside the value at `path`.
  package static func path(_ path: String, _ key: String) -> String {
    path.isEmpty ? key : "\(path).\(key)"
  }

  /// The path of element `index` inside the array at `path`.
  package static func path(_ path: String, _ index: Int) -> String { "\(path)[\(index)]" }

  /// Records an issue.
  package mutating func report(_ path: String, _ message: String) {
    issues.append(JSONIssue(path: path, message: message))
  }

  /// Records that the value at `path` is not what was expected.
  package mutating func report(_ path: String, expected: String, found: JSONValue?) {
    let foundText = found.map(\.summary) ?? "nothing (the field is required)"
    report(path, "expected \(expected), found \(foundText)")
  }

  /// The value as an object whose keys are all in `allowedKeys` (nil: any key, as in a map);
  /// reports a non-object, every unknown key and every repeated key.
  package mutating func object(
    _ value: JSONValue?, at path: String, allowedKeys: [String]?
  ) -> JSONObject? {
    guard case .object(let object)? = value else {
      report(path, expected: "an object", found: value)
      return nil
    }
    for key in object.repeatedKeys {
      report(Self.path(path, key), "expected each key once, found \"\(key)\" repeated")
    }
    guard let allowedKeys else { return object }
    for member in object.members where !allowedKeys.contains(member.key) {
      let known = allowedKeys.joined(separator: ", ")
      report(
        Self.path(path, member.key),
        "expected one of the fields \(known), found unknown field \"\(member.key)\"")
    }
    return object
  }

  /// Member `key` of `object` (at `path`) as a string; nil, with an issue, when it is missing
  /// (and `required`) or not a non-empty string where `nonEmpty`.
  package mutating func string(
    _ key: String, in object: JSONObject, at path: String, required: Bool = true,
    nonEmpty: Bool = false
  ) -> String? {
    let value = object[key]
    if value == nil && !required { return nil }
    guard case .string(let string)? = value, !(nonEmpty && string.isEmpty) else {
      report(
        Self.path(path, key), expected: nonEmpty ? "a non-empty string" : "a string", found: value)
      return nil
    }
    return string
  }

  /// Member `key` of `object` as a number that follows `rule`.
  package mutating func number(
    _ key: String, in object: JSONObject, at path: String, _ rule: NumberRule = .any,
    required: Bool = true
  ) -> Double? {
    let value = object[key]
    if value == nil && !required { return nil }
    return number(value, at: Self.path(path, key), rule)
  }

  /// `value` (at `path`) as a number that follows `rule`.
  package mutating func number(_ value: JSONValue?, at path: String, _ rule: NumberRule) -> Double?
  {
    guard case .number(let number)? = value, rule.accepts(number) else {
      report(path, expected: rule.expectation, found: value)
      return nil
    }
    return number
  }

  /// Member `key` of `object` as a whole number no less than `bound`.
  package mutating func integer(
    _ key: String, in object: JSONObject, at path: String, atLeast bound: Int,
    required: Bool = true
  ) -> Int? {
    number(key, in: object, at: path, .integer(atLeast: bound), required: required).map { Int($0) }
  }

  /// Member `key` of `object` as a boolean.
  package mutating func bool(
    _ key: String, in object: JSONObject, at path: String, required: Bool = true
  ) -> Bool? {
    let value = object[key]
    if value == nil && !required { return nil }
    guard case .bool(let bool)? = value else {
      report(Self.path(path, key), expected: "true or false", found: value)
      return nil
    }
    return bool
  }

  /// Member `key` of `object` as an array.
  package mutating func array(
    _ key: String, in object: JSONObject, at path: String, required: Bool = true,
    nonEmpty: Bool = false
  ) -> [JSONValue]? {
    let value = object[key]
    if value == nil && !required { return nil }
    guard case .array(let array)? = value else {
      report(
        Self.path(path, key), expected: nonEmpty ? "a non-empty array" : "an array", found: value)
      return nil
    }
    if nonEmpty && array.isEmpty {
      report(Self.path(path, key), "expected a non-empty array, found an empty array")
      return nil
    }
    return array
  }

  /// Member `key` of `object` as an array of strings; every element that is not a string is
  /// reported at its own index.
  package mutating func strings(
    _ key: String, in object: JSONObject, at path: String, required: Bool = true
  ) -> [String]? {
    guard let array = array(key, in: object, at: path, required: required) else { return nil }
    var strings: [String] = []
    strings.reserveCapacity(array.count)
    for (index, element) in array.enumerated() {
      guard case .string(let string) = element else {
        report(Self.path(Self.path(path, key), index), expected: "a string", found: element)
        continue
      }
      strings.append(string)
    }
    return strings
  }

  /// Member `key` of `object` as one of `choices` (for example a balancer name).
  package mutating func choice<Choice: RawRepresentable & CaseIterable>(
    _ key: String, in object: JSONObject, at path: String, as type: Choice.Type,
    required: Bool = true
  ) -> Choice? where Choice.RawValue == String {
    let value = object[key]
    if value == nil && !required { return nil }
    guard case .string(let string)? = value, let choice = Choice(rawValue: string) else {
      let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
      report(Self.path(path, key), expected: "one of \(names)", found: value)
      return nil
    }
    return choice
  }
}
