"""What a registry would reject or a user would miss in the wheel: the typing files, the licence,
the abi3 extension and a manylinux tag; and no test files or build leftovers."""
import sys
import zipfile

wheel = sys.argv[1]
names = zipfile.ZipFile(wheel).namelist()
need = ["cinetpay/__init__.py", "cinetpay/_cinetpay.pyi", "cinetpay/py.typed", "cinetpay/django.py"]
missing = [n for n in need if n not in names]
if not any(n.endswith(".abi3.so") for n in names):
    missing.append("the abi3 extension")
if not any("LICENSE" in n for n in names):
    missing.append("a licence file")
metadata = [n for n in names if n.endswith(".dist-info/METADATA")]
if not metadata:
    missing.append("METADATA")
extra = [n for n in names if "/tests/" in n or n.endswith((".pyc", ".rs", ".orig"))]
assert not missing and not extra, f"{wheel}: missing {missing}, unexpected {extra}"
text = zipfile.ZipFile(wheel).read(metadata[0]).decode()
for field in ("Name: cinetpay", "Requires-Python: >=3.9", "License", "Description-Content-Type: text/markdown"):
    assert field in text, f"METADATA lacks {field!r}"
tag = wheel.rsplit("-", 1)[-1]
assert "manylinux" in tag and "-abi3-" in wheel, wheel
print(f"    {len(names)} files, {tag}")
