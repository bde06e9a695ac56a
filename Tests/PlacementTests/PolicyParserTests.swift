import Testing

@testable import Placement

/// The grammar of DESIGN.md section 5: precedence, associativity, lexical rules, syntax errors.
struct PolicyParserTests {
  @Test(
    "operators group by the grammar's precedence and associativity",
    arguments: [
      // or is looser than and; both group to the left.
      ("true or false and true", "(true or (false and true))"),
      ("true and false or true", "((true and false) or true)"),
      ("true or false or true", "((true or false) or true)"),
      ("true and false and true", "((true and false) and true)"),
      // not: 'not a in b' is 'not (a in b)'; 'not a and b' is '(not a) and b'.
      ("not request.model in request.tags", "(not (request.model in request.tags))"),
      ("not true and false", "((not true) and false)"),
      ("not true or false", "((not true) or false)"),
      ("not not true", "(not (not true))"),
      ("not 1 + 2 < 3", "(not ((1 + 2) < 3))"),
      // A comparison binds looser than arithmetic and tighter than not/and/or.
      ("1 + 2 * 3 < 4", "((1 + (2 * 3)) < 4)"),
      ("1 + 1 == 2 * 1", "((1 + 1) == (2 * 1))"),
      ("1 < 2 and 3 >= 4", "((1 < 2) and (3 >= 4))"),
      ("1 <= 2 or 3 > 4", "((1 <= 2) or (3 > 4))"),
      ("1 != 2", "(1 != 2)"),
      (
        #"request.model starts_with "llm-" and target.tier == "cloud""#,
        #"((request.model starts_with "llm-") and (target.tier == "cloud"))"#
      ),
      // Arithmetic: * and / bind tighter than + and -; all group to the left.
      ("1 - 2 - 3 == 0", "(((1 - 2) - 3) == 0)"),
      ("8 / 4 / 2 == 1", "(((8 / 4) / 2) == 1)"),
      ("1 * 2 + 3 * 4 == 0", "(((1 * 2) + (3 * 4)) == 0)"),
      ("1 + 2 - 3 == 0", "(((1 + 2) - 3) == 0)"),
      ("2 * 3 / 4 == 0", "(((2 * 3) / 4) == 0)"),
      // Parentheses override precedence.
      ("(1 + 2) * 3 == 9", "(((1 + 2) * 3) == 9)"),
      ("not (true or false)", "(not (true or false))"),
      ("true and (false or true)", "(true and (false or true))"),
      // Lists hold atoms, including attributes, lists and parenthesised expressions.
      (#""a" in ["a", "b"]"#, #"("a" in ["a", "b"])"#),
      ("[] == []", "([] == [])"),
      ("[[1], [], [(1 + 2)]] == []", "([[1], [], [(1 + 2)]] == [])"),
      ("target.pool in [request.source, \"x\"]", #"(target.pool in [request.source, "x"])"#),
      // Keywords are allowed after 'request.' and 'target.'.
      ("request.when == target.in", "(request.when == target.in)"),
      ("request . model == \"x\"", #"(request.model == "x")"#),
      // Numbers and escapes.
      ("1.25 > 0.5", "(1.25 > 0.5)"),
      (#""a\"b\\c\nd\te" == "x""#, #"("a\"b\\c\nd\te" == "x")"#),
    ])
  func precedence(source: String, grouped: String) {
    #expect(PolicyFixtures.grouping(source) == grouped)
  }

  @Test("a rule may have a weight, a condition, both or neither")
  func ruleShapes() throws {
    let result = PolicyParser.parse(
      PolicySource(
        name: "t.policy",
        text: """
          # A comment line.
          forbid "a";  # a trailing comment
          encrypt "b" when true;
          prefer "c" weight 10 when target.tier == "edge";
          prefer "d" weight -5;
          prefer "e";
          prefer "f" weight 2.5;
          """))
    #expect(result.diagnostics.isEmpty)
    #expect(result.rules.map(\.name) == ["a", "b", "c", "d", "e", "f"])
    #expect(result.rules.map(\.effect) == [.forbid, .encrypt, .prefer, .prefer, .prefer, .prefer])
    #expect(result.rules.map(\.weight) == [0, 0, 10, -5, 1, 2.5])
    #expect(result.rules.map(\.location.line) == [2, 3, 4, 5, 6, 7])
    #expect(result.rules[0].condition == nil)
    #expect(result.rules[2].condition?.description == #"(target.tier == "edge")"#)
  }

  @Test("an empty file, or one of comments, has no rules")
  func emptyFiles() throws {
    #expect(try PolicySet(sources: [PolicySource(name: "e.policy", text: "")]).rules.isEmpty)
    #expect(
      try PolicySet(sources: [PolicySource(name: "e.policy", text: "# nothing\n\n  # here\n")])
        .rules.isEmpty)
    #expect(PolicySet.empty.rules.isEmpty)
  }

  @Test(
    "syntax errors name the offending token, what was expected and the fix",
    arguments: [
      // A missing ';' is reported at the token where it was expected.
      (
        "forbid \"a\" when target.tier == \"cloud\"\nforbid \"b\";",
        "t.policy:2:1: expected ';' at the end of rule \"a\", found 'forbid'"
      ),
      (
        "forbid \"a\"",
        "t.policy:1:11: expected 'when' or ';' after the rule name, found the end of the file"
      ),
      (
        "prefer \"a\" true;",
        "t.policy:1:12: expected 'weight', 'when' or ';' after the rule name, found 'true'"
      ),
      (
        "prefer \"a\" weight 1 weight 2;",
        "t.policy:1:21: expected 'when' or ';' after the weight, found 'weight'"
      ),
      // Comparisons do not chain.
      (
        "forbid \"a\" when 1 == 2 == 3;",
        "t.policy:1:24: comparisons do not chain; join two comparisons with 'and' "
          + "(for example 'a < b and b < c') or add parentheses"
      ),
      (
        "forbid \"a\" when 1 < 2 in [true];",
        "t.policy:1:23: comparisons do not chain; join two comparisons with 'and' "
          + "(for example 'a < b and b < c') or add parentheses"
      ),
      // weight belongs to prefer only, and takes a number (optionally negative).
      (
        "forbid \"a\" weight 5;",
        "t.policy:1:12: 'weight' is allowed only on 'prefer' rules; remove it from this 'forbid' rule"
      ),
      (
        "encrypt \"a\" weight -1 when true;",
        "t.policy:1:13: 'weight' is allowed only on 'prefer' rules; remove it from this 'encrypt' rule"
      ),
      (
        "prefer \"a\" weight high;",
        "t.policy:1:19: expected a number after 'weight' (for example 'weight 10' or 'weight -5'), found 'high'"
      ),
      // Strings.
      (
        "forbid \"a\\qb\";",
        #"t.policy:1:10: invalid escape '\q' in a string; the escapes are \", \\, \n and \t (write \\ for a backslash)"#
      ),
      (
        "forbid \"abc;\n",
        "t.policy:1:8: unterminated string; add the closing '\"' on the same line"
      ),

      // Stray characters and operators from other languages.
      (
        "forbid \"a\" when @;",
        "t.policy:1:17: unexpected character '@'; a policy is written with ASCII letters, digits, operators and double-quoted strings"
      ),
      ("forbid \"a\" when true && false;", "t.policy:1:22: unexpected '&&'; write 'and'"),
      ("forbid \"a\" when true || false;", "t.policy:1:22: unexpected '||'; write 'or'"),
      (
        "forbid \"a\" when !true;",
        "t.policy:1:17: unexpected '!'; write 'not' to negate a condition, or '!=' to compare"
      ),
      (
        "forbid \"a\" when 1 = 1;",
        "t.policy:1:19: unexpected '='; to compare two values write '=='"
      ),
      (
        "forbid 'a';",
        "t.policy:1:8: unexpected 'a' in single quotes; strings are written in double quotes, as in \"a\""
      ),
      (
        "forbid \"a\" when 1 < 'x;",
        "t.policy:1:21: unexpected \"'\"; strings are written in double quotes, as in \"pii\""
      ),
      // Numbers have no sign, exponent or unit.
      (
        "forbid \"a\" when 1e5 > 0;",
        "t.policy:1:17: invalid number '1e5': a number is digits with an optional fraction, without sign, exponent or unit"
      ),
      (
        "forbid \"a\" when 1. > 0;",
        "t.policy:1:17: invalid number '1.': write digits after the '.', as in '1.0'"
      ),
      (
        "forbid \"a\" when request.payload_bytes > -5;",
        "t.policy:1:41: expected a value, found '-'; numbers have no sign: write '0 - 5' for minus five"
      ),
      // Rule heads.
      (
        "deny \"a\";",
        "t.policy:1:1: expected a rule starting with 'forbid', 'encrypt' or 'prefer', found 'deny'"
      ),
      (
        "forbid a;",
        "t.policy:1:8: expected the rule's name in double quotes after 'forbid', found 'a'"
      ),
      (
        "forbid \"\";",
        "t.policy:1:8: a rule name must not be empty; name the rule after what it does"
      ),
      ("forbid \"a\" when;", "t.policy:1:16: expected a condition after 'when', found ';'"),
      // Values.
      (
        "forbid \"a\" when tier == \"cloud\";",
        "t.policy:1:17: unknown name 'tier'; attributes start with 'request.' or 'target.', and strings are written in double quotes; did you mean 'target.tier'?"
      ),
      (
        "forbid \"a\" when request;",
        "t.policy:1:24: expected '.' and an attribute name after 'request', as in 'request.model', found ';'"
      ),
      (
        "forbid \"a\" when target.;",
        "t.policy:1:24: expected an attribute name after 'target.', found ';'"
      ),
      (
        "forbid \"a\" when (true;",
        "t.policy:1:22: expected ')' to close the '(' at 1:17, found ';'"
      ),
      (
        "forbid \"a\" when 1 in [1 + 1];",
        "t.policy:1:25: expected ',' or ']' in the list opened at 1:22, found '+'; a list element is a single value: put an expression in parentheses"
      ),
      (
        "forbid \"a\" when 1 in [1,];",
        "t.policy:1:25: expected a value (a number, a string, true, false, a list, an attribute or a parenthesised condition), found ']'"
      ),
      (
        "forbid \"a\" when true and and;",
        "t.policy:1:26: expected a value (a number, a string, true, false, a list, an attribute or a parenthesised condition), found 'and'"
      ),
      (
        "forbid \"a\" when true == not false;",
        "t.policy:1:25: expected a value, found 'not'; put a negation inside parentheses: '(not ...)'"
      ),
      (
        "forbid \"a\" when request.model \"x\";",
        "t.policy:1:31: expected ';' at the end of rule \"a\", found the string \"x\""
      ),
    ])
  func syntaxError(text: String, expected: String) {
    #expect(PolicyFixtures.errors(text) == [expected])
  }

  @Test("a string runs to the end of its line at most")
  func stringPerLine() {
    // The quote on line 2 opens a second string, which is unterminated as well.
    #expect(
      PolicyFixtures.errors("forbid \"a\nb\";") == [
        "t.policy:1:8: unterminated string; add the closing '\"' on the same line",
        "t.policy:2:2: unterminated string; add the closing '\"' on the same line",
      ])
  }

  @Test("after a syntax error the parser resumes at the next ';' and keeps reporting")
  func recovery() {
    let text = """
      forbid "a" when request.tags < 3;
      forbid "b" when target.tier = "cloud"; forbid "c" when request.modle == "x";
      prefer "d" weight when true;
      encrypt "e" when (1 / 0 > target.nope;
      encrypt "f" when 1 / 0 > target.nope;
      prefer "g" when request.model = "x" forbid "skipped" when bogus; prefer "h" when 3;
      """
    #expect(
      PolicyFixtures.errors(text) == [
        "t.policy:1:30: '<' expects two numbers, got a set of strings and a number",
        "t.policy:2:29: unexpected '='; to compare two values write '=='",
        "t.policy:2:56: unknown attribute 'request.modle'; did you mean 'request.model'?",
        "t.policy:3:19: expected a number after 'weight' (for example 'weight 10' or 'weight -5'), found 'when'",
        "t.policy:4:38: expected ')' to close the '(' at 4:18, found ';'",
        "t.policy:5:26: unknown attribute 'target.nope'; did you mean 'target.pool'?",
        "t.policy:6:31: unexpected '='; to compare two values write '=='",
        "t.policy:6:82: the 'when' condition must be a boolean, got a number; compare it with an operator such as '>' or '=='",
      ])
  }
}
