# The two commands of the README, and a few more for developers.
.PHONY: demo test bench lint format

# Decisions for the demo requests in fixtures/, in-process.
demo:
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
