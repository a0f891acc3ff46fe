# cachet's front door: dependencies, build, run, tests, benchmarks, docker image test.
#
#   make build        install missing Debian packages, Release build in build/
#   make run          build, then run ./build/cachet-server conf/cachet.conf in the foreground
#   make test         RelWithDebInfo tests (build/), ASan+UBSan (build-asan/), TSan concurrency
#                     tests (build-tsan/); see scripts/test
#   make bench        every benchmark in bench/ against redis-server, on a Release build
#   make docker-test  build the docker image, run it with docker-compose, drive it (scripts/docker-test)
#   make format       clang-format -i over src include tests bench
#   make clean        remove the build folders
#
# Variables: JOBS (parallel jobs, default nproc), BUILD_TYPE (make build, default Release),
# CONF (make run, default conf/cachet.conf).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

JOBS ?= $(shell nproc)
BUILD_TYPE ?= Release
CONF ?= conf/cachet.conf
CCACHE := $(if $(shell command -v ccache),-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
FORMAT_DIRS := src include tests bench

.PHONY: deps build run test bench docker-test format clean help

help:
	@sed -n '3,13p' Makefile

deps:
	@scripts/install-deps

build: deps
	@start=$$SECONDS; \
	cmake -S . -B build -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CCACHE) >/dev/null; \
	env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS cmake --build build -j$(JOBS); \
	echo "build: ok ($(BUILD_TYPE), build/cachet-server, $$((SECONDS - start))s)"

run: build
	exec ./build/cachet-server $(CONF)

test: deps
	@JOBS=$(JOBS) scripts/test

bench: build
	@status=0; ran=0; start=$$SECONDS; \
	for b in bench/*.sh; do \
	  case "$$(basename "$$b")" in lib.sh|_*) continue ;; esac; \
	  echo "==== $$b ===="; ran=$$((ran + 1)); \
	  bash "$$b" || { echo "bench: $$b FAILED"; status=1; }; \
	done; \
	if ((status)); then verdict="some FAILED"; else verdict=ok; fi; \
	echo "bench: $$ran benchmark(s) run in $$((SECONDS - start))s, $$verdict"; \
	exit $$status

docker-test:
	@scripts/docker-test

format:
	@files=$$(find $(FORMAT_DIRS) -type f \( -name '*.cc' -o -name '*.cpp' -o -name '*.h' \
	  -o -name '*.hpp' \) 2>/dev/null); \
	if [[ -z $$files ]]; then echo "format: no files"; exit 0; fi; \
	command -v clang-format >/dev/null || { echo "format: clang-format missing (apt-get install clang-format)"; exit 1; }; \
	clang-format -i $$files; \
	echo "format: $$(wc -w <<<"$$files") file(s) formatted"

clean:
	rm -rf build build-asan build-tsan
	@echo "clean: build folders removed"
