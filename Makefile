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
	$(PY) -m pip install --quiet -e '.[plot,progress,dev]'
	touch $@

dot:
	@sh scripts/ensure-dot.sh

chromium:  ## only for the test that clicks through viz.animate's page; skipped without it
	@sh scripts/ensure-chromium.sh

demo: install dot
	$(PY) -m examples.gates --out $(OUT)
	$(PY) -m examples.apple --out $(OUT)
	$(PY) -m examples.chain_rule --out $(OUT)
	$(PY) -m examples.newton --out $(OUT)
	$(PY) -m examples.higher_order --out $(OUT)
	$(PY) -m examples.anomaly --out $(OUT)
	$(PY) -m examples.xor --out $(OUT)
	$(PY) -m examples.moons --out $(OUT)
	$(PY) -m examples.activations --out $(OUT)
	$(PY) -m examples.optimizers --out $(OUT)
	$(PY) -m examples.mnist_mlp --sample --out $(OUT)
	$(PY) -m examples.notes_pytorch --out $(OUT)
	$(PY) -m examples.convolution --out $(OUT)
	$(PY) -m examples.mnist_cnn --out $(OUT)
	$(PY) -m examples.sine_rnn --out $(OUT)
	$(PY) -m examples.vanishing_time --out $(OUT)
	$(PY) -m examples.addition_rnn --out $(OUT)
	$(PY) -m examples.rbm --out $(OUT)
	$(PY) -m examples.dbn --out $(OUT)

shell: install  ## a Python prompt with chainrule importable (or: . .venv/bin/activate)
	$(PY)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install crosscheck dot chromium lint
	$(PY) -m pytest

bench: install
	$(PY) -m pip install --quiet micrograd==0.1.0 dezero==0.0.13
	$(MAKE) crosscheck
	$(PY) benchmarks/scalar.py
	$(PY) benchmarks/overhead.py --readme README.md
	$(PY) benchmarks/mnist.py $(if $(DATA),--data $(DATA),)
	$(PY) benchmarks/cnn.py $(if $(DATA),--data $(DATA),)
	$(PY) benchmarks/rnn.py
	$(PY) benchmarks/rbm.py

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info
