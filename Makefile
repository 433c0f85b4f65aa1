# The two front doors: `make demo` and `make test`. Both install what they need.
BUILD ?= build
JOBS  ?= $(shell nproc)
CMAKE_FLAGS ?=
N ?= 1000000
RUNS ?= 3
WORKLOADS ?=

PACKAGES := $(shell sed -e 's/\#.*//' cmake/debian-packages.txt)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build test unit demo bench clean

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1200

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

demo: build
	tests/e2e/demo.sh $(BUILD)

bench: build
	RUNS=$(RUNS) WORKLOADS="$(WORKLOADS)" tests/bench/run.sh $(BUILD) $(N)

clean:
	rm -rf $(BUILD)
