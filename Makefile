# The two commands of the README, and a few more for developers.
.PHONY: demo requests test bench lint format

# The daemon on the demo site: socket run/placement.sock, audit log run/audit/. Ctrl-C stops it.
demo:
	@scripts/bootstrap.sh
	swift build -c release --product placement
	.build/release/placement serve

# The sample requests of fixtures/, decided in-process (no daemon needed).
requests:
	@scripts/bootstrap.sh
	swift build -c release --product placement
	.build/release/placement place < fixtures/requests.jsonl

# The whole test suite.
test:
	@scripts/bootstrap.sh --test
	swift test

bench:
	@scripts/bootstrap.sh
	swift build -c release --product placement
	.build/release/placement bench

lint:
	swift format lint --strict --recursive Package.swift Sources Tests

format:
	swift format --in-place --recursive Package.swift Sources Tests
