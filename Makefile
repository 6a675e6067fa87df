# Two commands do all set-up on a fresh clone:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_APT := libportaudio2 ffmpeg
TEST_APT := pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox asterisk-prompt-es-co chromium
SAMPLE ?= samples/concise_lively.flac

.PHONY: demo test lint system-deps test-system-deps install clean

demo: system-deps install
	$(BIN)/mockmic analyze $(SAMPLE)

test: system-deps test-system-deps install lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

system-deps:
	@sh scripts/ensure-apt.sh $(RUNTIME_APT)

test-system-deps:
	@sh scripts/ensure-apt.sh $(TEST_APT)

install: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch is pinned in pyproject.toml: 2.13.0 is a CPU build; an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) models/*.pt
