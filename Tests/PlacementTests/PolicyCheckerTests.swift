import Foundation
import Testing

@testable import Placement

/// Attributes, types, duplicate names and loading (DESIGN.md section 5, checks).
struct PolicyCheckerTests {
  @Test("an unknown attribute is reported at its first token with a suggestion")
  func unknownAttribute() {
    #expect(
      PolicyFixtures.errors("forbid \"a\" when request.budget > 5;") == [
        "t.policy:1:17: unknown attribute 'request.budget'; did you mean 'request.latency_budget_ms'?"
      ])
  }

  @Test(
    "suggestions: a containing or contained name first, then the other object, then edit distance",
    arguments: [
      ("request.budget", "request.latency_budget_ms"),
      ("request.payload", "request.payload_bytes"),
      ("request.tag", "request.tags"),
      ("target.cost", "target.cost_per_hour"),
      ("target.rtt", "target.rtt_ms"),
      ("target.tiers", "target.tier"),
      ("target.inflight", "target.in_flight"),
      ("target.estimate", "target.estimated_ms"),
      ("target.bandwidth", "target.bandwidth_mbps"),
      ("target.model", "request.model"),
      ("request.gpu", "target.gpu"),
      ("request.modle", "request.model"),
      ("target.regoin", "target.region"),
      ("request.Model", "request.model"),
    ])
  func suggestion(written: String, suggested: String) {
    #expect(
      PolicyFixtures.messages(condition: "\(written) == \(written)") == [
        "unknown attribute '\(written)'; did you mean '\(suggested)'?",
        "unknown attribute '\(written)'; did you mean '\(suggested)'?",
      ])
  }

  @Test("every attribute of the table is known, with its type")
  func attributeTable() {
    let expected: [String: PolicyType] = [
      "request.id": .string, "request.model": .string, "request.priority": .string,
      "request.source": .string, "request.latency_budget_ms": .number,
      "request.payload_bytes": .number, "request.tags": .stringSet, "target.tier": .string,
      "target.pool": .string, "target.endpoint": .string, "target.region": .string,
      "target.gpu": .string, "target.tags": .stringSet, "target.rtt_ms": .number,
      "target.bandwidth_mbps": .number, "target.cost_per_hour": .number,
      "target.capacity": .number, "target.weight": .number, "target.in_flight": .number,
      "target.estimated_ms": .number, "target.transfer_ms": .number, "target.queue_ms": .number,
      "target.compute_ms": .number,
    ]
    #expect(AttributeCatalog.all.count == expected.count)
    for (name, type) in expected {
      #expect(AttributeCatalog.attribute(named: name)?.type == type, "\(name)")
    }
  }

  @Test(
    "type errors say what the operator expects and what it got",
    arguments: [
      ("request.tags < 3", "'<' expects two numbers, got a set of strings and a number"),
      ("request.model >= 1", "'>=' expects two numbers, got a string and a number"),
      ("request.model + 1 > 2", "'+' expects two numbers, got a string and a number"),
      ("true * 2 > 1", "'*' expects two numbers, got a boolean and a number"),
      ("request.model == 3", "'==' expects two values of one type, got a string and a number"),
      (
        "[1] != [\"a\"]",
        "'!=' expects two values of one type, got a list of numbers and a list of strings"
      ),
      (
        "request.tags == \"pii\"",
        "'==' expects two values of one type, got a set of strings and a string; "
          + "to test whether a value is in a set or a list, use 'in'"
      ),
      (
        "3 in request.tags",
        "'in' expects a string on its left to look up in a set of strings, got a number"
      ),
      (
        "3 in [\"a\"]",
        "'in' expects a value of the list's element type on its left, got a number and a list of strings"
      ),
      (
        "\"a\" in \"abc\"",
        "'in' expects a set or a list on its right, got a string; to compare two strings use '=='"
      ),
      (
        "1 in 2",
        "'in' expects a set or a list on its right, got a number; to compare two numbers use '=='"
      ),
      (
        "request.payload_bytes starts_with \"1\"",
        "'starts_with' expects two strings, got a number and a string"
      ),
      ("request.model and true", "'and' expects two booleans, got a string and a boolean"),
      ("true or 1", "'or' expects two booleans, got a boolean and a number"),
      ("not request.model", "'not' expects a boolean, got a string"),
      (
        "request.model in [1, \"a\"]",
        "a list holds values of one type, but this element is a string and the ones before it are numbers"
      ),
      (
        "[] in [[1], [\"a\"]]",
        "a list holds values of one type, but this element is a list of strings and the ones before it are lists of numbers"
      ),
      (
        "request.payload_bytes",
        "the 'when' condition must be a boolean, got a number; compare it with an operator such as '>' or '=='"
      ),
      (
        "request.model",
        "the 'when' condition must be a boolean, got a string; compare it with an operator such as '==' or 'starts_with'"
      ),
      (
        "request.tags",
        "the 'when' condition must be a boolean, got a set of strings; test membership with 'in', for example '\"pii\" in request.tags'"
      ),
      (
        "[]",
        "the 'when' condition must be a boolean, got an empty list; test membership with 'in', for example '\"pii\" in request.tags'"
      ),
    ])
  func typeError(condition: String, message: String) {
    #expect(PolicyFixtures.messages(condition: condition) == [message])
  }

  @Test("a type error points at the operator")
  func typeErrorPosition() {
    #expect(
      PolicyFixtures.errors("forbid \"a\" when request.tags < 3;") == [
        "t.policy:1:30: '<' expects two numbers, got a set of strings and a number"
      ])
    #expect(
      PolicyFixtures.errors("forbid \"a\"\n  when 1 > 0 and\n    2;") == [
        "t.policy:2:14: 'and' expects two booleans, got a boolean and a number"
      ])
  }

  @Test(
    "well-typed conditions check",
    arguments: [
      "\"pii\" in request.tags", "request.model in [\"a\", \"b\"]", "request.model in []",
      "[] == []", "[[], [1]] == [[2]]", "[] in [[1], []]", "request.tags == target.tags",
      "request.tags != request.tags", "(1 < 2) == true", "true != (request.model == \"x\")",
      "request.model starts_with target.gpu", "target.pool in [request.source, \"x\"]",
      "target.estimated_ms <= request.latency_budget_ms * 0.5 - target.rtt_ms / 2",
      "not not true", "[true, false] == [false]",
    ])
  func wellTyped(condition: String) {
    #expect(PolicyFixtures.messages(condition: condition) == [])
  }

  @Test("each error is reported once: an operand's error is not reported again by its operator")
  func noCascade() {
    #expect(
      PolicyFixtures.messages(condition: "request.nope + 1 > \"x\" and target.nada") == [
        "unknown attribute 'request.nope'; did you mean 'request.model'?",
        "unknown attribute 'target.nada'; did you mean 'target.tags'?",
      ])
  }

  @Test("a duplicate name is reported at the later rule, naming where the first is")
  func duplicateNames() {
    let sources = [
      PolicySource(name: "a.policy", text: "forbid \"x\";\nprefer \"y\";"),
      PolicySource(name: "b.policy", text: "\nprefer \"x\" weight 2;\nencrypt \"y\" when 1 / ;"),
    ]
    #expect(
      PolicyFixtures.errors(sources) == [
        "b.policy:2:8: duplicate rule name \"x\"; it is already used at a.policy:1:8; "
          + "rule names must be unique across all files",
        "b.policy:3:9: duplicate rule name \"y\"; it is already used at a.policy:2:8; "
          + "rule names must be unique across all files",
        "b.policy:3:22: expected a value (a number, a string, true, false, a list, an attribute "
          + "or a parenthesised condition), found ';'",
      ])
    #expect(
      PolicyFixtures.errors("forbid \"x\";\nforbid \"x\";\nforbid \"x\";") == [
        "t.policy:2:8: duplicate rule name \"x\"; it is already used at t.policy:1:8; "
          + "rule names must be unique across all files",
        "t.policy:3:8: duplicate rule name \"x\"; it is already used at t.policy:1:8; "
          + "rule names must be unique across all files",
      ])
  }

  @Test("errors come in file order, then position order; the error prints one per line")
  func errorOrder() throws {
    let sources = [
      PolicySource(name: "z.policy", text: "forbid \"a\" when 1;\nforbid \"b\" when @;"),
      PolicySource(name: "a.policy", text: "forbid \"c\" when 2;"),
    ]
    let error = try #require(throws: PolicyLoadError.self) {
      try PolicySet(sources: sources)
    }
    #expect(error.diagnostics.map(\.file) == ["z.policy", "z.policy", "a.policy"])
    #expect(error.diagnostics.map(\.line) == [1, 2, 1])
    #expect(error.diagnostics.map(\.column) == [17, 17, 17])
    #expect(error.description.split(separator: "\n").count == 3)
    #expect(error.description.hasPrefix("z.policy:1:17: the 'when' condition must be a boolean"))
  }

  @Test("rules are sorted by name and keep their file, line, effect and weight")
  func rules() throws {
    let set = try PolicySet(sources: [
      PolicySource(name: "one.policy", text: "prefer \"zeta\" weight -5;\n\nforbid \"alpha\";"),
      PolicySource(name: "two.policy", text: "# x\nencrypt \"mid\" when target.tier == \"cloud\";"),
    ])
    #expect(set.rules.map(\.name) == ["alpha", "mid", "zeta"])
    #expect(set.rules.map(\.file) == ["one.policy", "two.policy", "one.policy"])
    #expect(set.rules.map(\.line) == [3, 2, 1])
    #expect(set.rules.map(\.effect) == [.forbid, .encrypt, .prefer])
    #expect(set.rules.map(\.weight) == [0, 0, -5])
    let same = try PolicySet(sources: [
      PolicySource(name: "two.policy", text: "# x\nencrypt \"mid\" when target.tier == \"cloud\";"),
      PolicySource(name: "one.policy", text: "prefer \"zeta\" weight -5;\n\nforbid \"alpha\";"),
    ])
    #expect(same == set)
  }

  @Test("load reads only the *.policy files directly in the directory, in name order")
  func loadDirectory() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("policy-test-\(UInt64.random(in: 0...UInt64.max))").path
    try FileManager.default.createDirectory(
      atPath: directory + "/nested.policy", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    func write(_ name: String, _ text: String) throws {
      try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }
    try write("b.policy", "prefer \"from-b\" when 1 > ;\nforbid \"b2\";")
    try write("a.policy", "forbid \"from-a\" when request.budget > 1;")
    try write("notes.txt", "this is not a policy")
    try write("c.policy.bak", "not a policy either")
    try write(".hidden.policy", "neither is this")
    try write("nested.policy/inner.policy", "forbid \"inner\" when oops;")

    let error = try #require(throws: PolicyLoadError.self) {
      try PolicySet.load(directory: directory)
    }
    #expect(
      error.diagnostics.map(\.description) == [
        "\(directory)/a.policy:1:22: unknown attribute 'request.budget'; did you mean 'request.latency_budget_ms'?",
        "\(directory)/b.policy:1:26: expected a value (a number, a string, true, false, a list, "
          + "an attribute or a parenthesised condition), found ';'",
      ])

    try write("a.policy", "forbid \"from-a\";")
    try write("b.policy", "prefer \"from-b\" weight 3;")
    let set = try PolicySet.load(directory: directory + "/")
    #expect(set.rules.map(\.name) == ["from-a", "from-b"])
    #expect(set.rules.map(\.file) == ["\(directory)/a.policy", "\(directory)/b.policy"])
  }

  @Test("an unreadable directory or file is a diagnostic too")
  func unreadable() throws {
    let missing = "/nonexistent/policies-\(UInt64.random(in: 0...UInt64.max))"
    let error = try #require(throws: PolicyLoadError.self) {
      try PolicySet.load(directory: missing)
    }
    #expect(
      error.description
        == "\(missing):1:1: cannot read the policy directory: it does not exist; give a readable directory of *.policy files"
    )

    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("policy-test-\(UInt64.random(in: 0...UInt64.max))").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Data([0x66, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: directory + "/bad.policy"))
    let badText = try #require(throws: PolicyLoadError.self) {
      try PolicySet.load(directory: directory)
    }
    #expect(
      badText.description
        == "\(directory)/bad.policy:1:1: the policy file is not UTF-8 text; save it as UTF-8")
  }

  @Test("a directory without policy files is an empty policy set")
  func emptyDirectory() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("policy-test-\(UInt64.random(in: 0...UInt64.max))").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    #expect(try PolicySet.load(directory: directory) == .empty)
  }
}
