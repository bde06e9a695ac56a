import Placement

#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension Subcommand {
  /// `placement check`: validates a topology and a policy set and reports every error.
  static let check = Subcommand(
    name: "check", summary: "validate a topology and a policy set, report every error"
  ) { words in
    let arguments = try CommandArguments(
      words, options: ["--topology", "--policies"], flags: ["--help"])
    if arguments.isSet("--help") {
      StandardStream.output.write(
        """
        usage: placement check [--topology FILE] [--policies DIR]

        Validates the topology file and every *.policy file in the directory, and prints every
        error found, one per line (FILE: PATH: ... for the topology, FILE:LINE:COLUMN: ... for
        policies). Exit status 0 when both are valid, 1 when any error was found.
        Defaults: \(DefaultLocations.topologyPath) and \(DefaultLocations.policiesPath)/.

        """)
      return 0
    }
    let topologyPath = DefaultLocations.topology(arguments)
    let policiesPath = DefaultLocations.policies(arguments)
    var failed = false
    var unreadable = false
    do {
      let topology = try Topology.load(contentsOfFile: topologyPath)
      let endpoints = topology.pools.reduce(0) { $0 + $1.endpoints.count }
      StandardStream.output.write(
        "\(topologyPath): ok (\(topology.pools.count) pools, \(endpoints) endpoints)\n")
    } catch {
      failed = true
      unreadable = (error as? TopologyError)?.isUnreadable ?? false
      StandardStream.error.write("\(error)\n")
    }
    let isDirectory =
      (try? FileManager.default.attributesOfItem(atPath: policiesPath)[.type] as? FileAttributeType)
      == .typeDirectory
    if !isDirectory {
      StandardStream.error.write(
        "\(policiesPath): cannot read the policies: not a directory (give --policies DIR)\n")
      return 2
    }
    do {
      let policies = try PolicySet.load(directory: policiesPath)
      StandardStream.output.write("\(policiesPath): ok (\(policies.rules.count) rules)\n")
    } catch {
      failed = true
      StandardStream.error.write("\(error)\n")
    }
    // 2 for an I/O error, 1 for a topology or policy that is wrong (DESIGN.md section 10).
    return unreadable ? 2 : failed ? 1 : 0
  }
}
