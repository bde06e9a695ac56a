import Placement
import Testing

/// Hostile or generated policy files nest without end; loading them must give an error, not
/// exhaust the stack (a daemon's reload must survive them).
@Suite struct PolicyDepthTests {
  static let deep = 100_000

  @Test(arguments: [
    "forbid \"x\" when " + String(repeating: "not ", count: deep) + "true;",
    "forbid \"x\" when " + String(repeating: "(", count: deep) + "true"
      + String(repeating: ")", count: deep) + ";",
    "forbid \"x\" when " + Array(repeating: "true", count: deep).joined(separator: " and ") + ";",
    "forbid \"x\" when " + Array(repeating: "true", count: deep).joined(separator: " or ") + ";",
    "forbid \"x\" when 1 " + String(repeating: "+ 1 ", count: deep) + "> 2;",
    "forbid \"x\" when 1 in " + String(repeating: "[", count: deep) + ";",
  ])
  func aConditionNestedTooDeeplyIsAnError(text: String) {
    do {
      _ = try PolicySet(sources: [PolicySource(name: "deep.policy", text: text)])
      Issue.record("expected an error")
    } catch {
      #expect(error.diagnostics.count == 1)
      #expect(error.diagnostics.first?.message.contains("nests deeper than 200 levels") == true)
      #expect(error.diagnostics.first?.line == 1)
    }
  }

  @Test func reasonableNestingIsFine() throws {
    let text =
      "forbid \"x\" when " + String(repeating: "(", count: 150) + "true"
      + String(repeating: ")", count: 150) + " and "
      + Array(repeating: "true", count: 150).joined(separator: " and ") + ";"
    let policy = try PolicySet(sources: [PolicySource(name: "ok.policy", text: text)])
    #expect(policy.rules.count == 1)
  }

  @Test func theRuleAfterAnOverlyDeepOneIsStillChecked() {
    let text =
      "forbid \"x\" when " + String(repeating: "not ", count: 5000) + "true;\n"
      + "forbid \"y\" when request.budget > 1;"
    do {
      _ = try PolicySet(sources: [PolicySource(name: "two.policy", text: text)])
      Issue.record("expected errors")
    } catch {
      #expect(error.diagnostics.map(\.line) == [1, 2])
    }
  }
}
