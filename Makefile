# ctis: the two commands that matter are `make run` and `make test` (see README.md).
#   make            build the release binary build/ctis
#   make run        install what is missing, build, create ctis.db with an administrator and
#                   demo data if absent, serve http://127.0.0.1:8080
#   make test       build release, ASan+UBSan and fuzz builds, run every test suite
#   make test-long  longer suites: fuzzing for minutes, load and soak
#   make test-fuzz  the long fuzzing alone: every harness for FUZZ_LONG_SECONDS (300), figures in
#                   build/test-logs/fuzz-figures.tsv (tests/fuzz.sh; FUZZERS="fuzz_http" for some)
#   make test-load  the load and scale-out suite alone (tests/load.sh: 200 clients, 60 s, both engines)
#   make test-faults the fault suite: SIGKILLed server and import, full disk, PostgreSQL restart
#                   (tests/faults.sh; figures in build/test-logs/faults.txt)
#   make bench      benchmarks with ratios against baselines measured in the same run
#   make bench-link the linkage matcher's benchmark only (bench/link-speed/run), then end to end
#                   on generated person records (bench_link_records)
#   make bench-link-quality  linkage quality on the FEBRL files of ../shared/data (bench/link-quality/run)
#   make format     clang-format the C sources

BUILD ?= build
ASAN ?= build-asan
FUZZ ?= build-fuzz
PORT ?= 8080
DB ?= ctis.db

.PHONY: all deps build asan fuzz run test test-long test-fuzz test-load test-faults bench bench-link bench-link-quality format format-check clean

all: build

deps:
	@./scripts/install-deps.sh

# Each build directory is reconfigured on every run: the build lists files that exist, so a new
# source or test file is picked up without a manual `meson setup --reconfigure`.
build: deps
	@if [ -f $(BUILD)/build.ninja ]; then meson setup --reconfigure $(BUILD) >/dev/null; \
	else meson setup $(BUILD) --buildtype=release -Db_ndebug=false; fi
	@ninja -C $(BUILD)

asan: deps
	@if [ -f $(ASAN)/build.ninja ]; then meson setup --reconfigure $(ASAN) >/dev/null; \
	else meson setup $(ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all; fi
	@ninja -C $(ASAN)

fuzz: deps
	@if [ -f $(FUZZ)/build.ninja ]; then meson setup --reconfigure $(FUZZ) >/dev/null; \
	else CC=clang meson setup $(FUZZ) --buildtype=debug -Dfuzz=true -Dtests=false \
		-Db_sanitize=address,undefined -Db_lundef=false; fi
	@ninja -C $(FUZZ)

run: build
	@if [ ! -f "$(DB)" ]; then \
		$(BUILD)/ctis init --db "$(DB)" --demo; \
	else \
		echo "ctis: $(DB) exists; to get a new administrator password: $(BUILD)/ctis user reset-password admin --db $(DB)"; \
	fi
	@exec $(BUILD)/ctis serve --db "$(DB)" --port $(PORT)

test: build asan fuzz
	@tests/run.sh

test-long: build asan fuzz
	@tests/run-long.sh

test-fuzz: fuzz
	@mkdir -p $(BUILD)/test-logs
	@tests/fuzz.sh $(FUZZERS)

test-load: build
	@tests/load.sh

test-faults: build
	@tests/faults.sh

bench: deps
	@if [ -f build-bench/build.ninja ]; then meson setup --reconfigure build-bench >/dev/null; \
	else meson setup build-bench --buildtype=release -Dbench=true -Dtests=false; fi
	@ninja -C build-bench
	@bench/run.sh build-bench

bench-link: deps
	@if [ -f build-bench/build.ninja ]; then meson setup --reconfigure build-bench >/dev/null; \
	else meson setup build-bench --buildtype=release -Dbench=true -Dtests=false; fi
	@ninja -C build-bench bench/bench_link bench/bench_link_records
	@bench/link-speed/run build-bench --records-e2e --weights 150,150,300

bench-link-quality: build
	@bench/link-quality/run $(BUILD)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ) build-bench
