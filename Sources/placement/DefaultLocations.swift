#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// Where the common flags point when they are not given (DESIGN.md section 10): the demo
/// fixtures and default policies of the checkout the tool was built from, and a runtime
/// directory under the working directory.
enum DefaultLocations {
  /// The demo topology, relative to the package root.
  static let topologyPath = "fixtures/demo-topology.json"
  /// The default policies, relative to the package root.
  static let policiesPath = "policies"

  /// The runtime directory, under the working directory.
  static let runtimeDirectory = "run"
  /// The daemon's socket when `--socket` is not given.
  static let socketPath = "run/placement.sock"
  /// The audit log's directory when `--audit-dir` is not given.
  static let auditDirectory = "run/audit"

  /// `--topology`, or the demo topology.
  static func topology(_ arguments: CommandArguments) -> String {
    arguments.value("--topology") ?? resolve(topologyPath)
  }

  /// `--policies`, or the default policies.
  static func policies(_ arguments: CommandArguments) -> String {
    arguments.value("--policies") ?? resolve(policiesPath)
  }

  /// `relative` under the working directory when it exists there, else under the package root
  /// the executable was built in (`.build/<config>/placement` sits three levels below it).
  static func resolve(_ relative: String) -> String {
    let manager = FileManager.default
    if manager.fileExists(atPath: relative) { return relative }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    for _ in 0..<5 {
      directory.deleteLastPathComponent()
      let candidate = directory.appendingPathComponent(relative).path
      if manager.fileExists(atPath: candidate) { return candidate }
    }
    return relative
  }
}
