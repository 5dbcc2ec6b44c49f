# Two commands for a fresh machine: `make demo` and `make test`. Every target is idempotent:
# .venv is created once and the package reinstalled only when its metadata changes.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
CROSSCHECK := $(VENV)/.crosscheck
OUT ?= out

.PHONY: demo test lint format dot chromium install crosscheck bench clean shell

install: $(INSTALLED)

# the references the tests compare with (the library never imports them): PyTorch's CPU build, exactly
# this version (it lies on disk here; another version would download gigabytes), and scikit-learn
crosscheck: $(CROSSCHECK)

$(CROSSCHECK): $(INSTALLED)
	$(PY) -m pip install --quiet torch==2.13.0 scikit-learn
	touch $@

$(PY):
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[plot,progress,dev,onnx]'
	touch $@

dot:
	@sh scripts/ensure-dot.sh

chromium:  ## only for the test that clicks through viz.animate's page; skipped without it
	@sh scripts/ensure-chromium.sh

# every lesson, in the notes' order, with its quick settings: `make demo LESSONS="xor moons"` runs a few
LESSONS ?= gates apple chain_rule numerical_gradient newton higher_order anomaly xor moons activations optimizers \
	initialization batch_norm overfitting mnist_mlp notes_pytorch convolution mnist_cnn sine_rnn vanishing_time \
	addition_rnn rbm dbn attention microgpt gpt export
FLAGS_mnist_mlp := --sample

demo: install dot
	@set -e; $(foreach lesson,$(LESSONS),echo "== examples.$(lesson)"; \
		$(PY) -m examples.$(lesson) --out $(OUT) $(FLAGS_$(lesson));)

shell: install  ## a Python prompt with chainrule importable (or: . .venv/bin/activate)
	$(PY)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install crosscheck dot chromium  ## the tests first, then lint: a formatting nit never hides a result
	$(PY) -m pytest
	$(MAKE) --no-print-directory lint

BENCH := $(VENV)/.bench

$(BENCH): $(CROSSCHECK) setup.cfg
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

bench: $(BENCH)  ## the peers the benchmarks compare with: the bench extra, PyTorch and scikit-learn
	$(PY) benchmarks/scalar.py
	$(PY) benchmarks/overhead.py --readme README.md
	$(PY) benchmarks/mnist.py $(if $(DATA),--data $(DATA),)
	$(PY) benchmarks/cnn.py $(if $(DATA),--data $(DATA),)
	$(PY) benchmarks/rnn.py
	$(PY) benchmarks/rbm.py
	$(PY) benchmarks/transformer.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
