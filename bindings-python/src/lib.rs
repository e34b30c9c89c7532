//! `cinetpay._cinetpay`: the native half of the Python package.
//!
//! Thin by design: keywords become a JSON object, and the core does everything else (payload
//! parsing, validation, HTTP, errors). Exceptions are the pure-Python classes of
//! `cinetpay._errors`, built from the core's error through `_errors._from_native`.

mod completions;

use completions::Completions;

use cinetpay::{Error as CoreError, ErrorCode, blocking, bridge};
use pyo3::PyErrArguments;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// Deeper nesting than this is refused: no field of the API nests more than once.
const MAX_DEPTH: usize = 8;

pyo3::create_exception!(
    _cinetpay,
    NativeError,
    pyo3::exceptions::PyException,
    "A core error as its JSON object (`Error::to_json`); `cinetpay._errors` raises the public class."
);

/// The native exception for a core error.
///
/// The public exception classes are pure Python, and building one runs Python code. That is done
/// by the Python wrappers, never here: Python code run from inside a native frame can lose the
/// GIL, and a daemon thread that loses it while the interpreter finalizes is ended by
/// `pthread_exit`, which aborts the process when it unwinds through Rust frames.
pub(crate) fn to_pyerr(e: &CoreError) -> PyErr {
    // Built lazily: this may run where the GIL is not held, and the dict is made when the
    // exception is raised (building a dict runs no Python code).
    NativeError::new_err(ErrorObject(e.to_json()))
}

/// A core error's JSON object, handed to Python as a dict (`NativeError.args[0]`).
struct ErrorObject(Value);

impl PyErrArguments for ErrorObject {
    fn arguments(self, py: Python<'_>) -> Py<PyAny> {
        match to_py(py, &self.0) {
            Ok(dict) => PyTuple::new(py, [dict])
                .map(|t| t.into_any().unbind())
                .unwrap_or_else(|_| py.None()),
            // Only a failed allocation gets here; the text still carries every field.
            Err(_) => PyString::new(py, &self.0.to_string()).into_any().unbind(),
        }
    }
}

/// A JSON value as plain Python objects (dict, list, str, int, float, bool, None).
pub(crate) fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_pyobject(py)?.into_any().unbind(),
            (_, Some(u), _) => u.into_pyobject(py)?.into_any().unbind(),
            (_, _, f) => f.unwrap_or(f64::NAN).into_pyobject(py)?.into_any().unbind(),
        },
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

fn validation(field: &str, message: impl Into<String>) -> CoreError {
    CoreError::validation(field, message)
}

/// A Python value as JSON, refusing what JSON cannot hold with an error naming `field`.
fn to_json(field: &str, v: &Bound<'_, PyAny>, depth: usize) -> Result<Value, CoreError> {
    if depth > MAX_DEPTH {
        return Err(validation(field, "is nested too deeply"));
    }
    if v.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: Python's bool is a subclass of int.
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if v.is_instance_of::<PyInt>() {
        return match v.extract::<i64>() {
            Ok(i) => Ok(Value::from(i)),
            Err(_) => Err(validation(field, format!("{v} is out of range"))),
        };
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        let x = f.value();
        // A float is refused by the core where an integer is due ("must be an integer (got
        // 100.5)"); NaN and infinities have no JSON form at all.
        return Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| validation(field, format!("must be a finite number, got {x}")));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|_| validation(field, "is not valid Unicode (lone surrogate)"));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, item) in d.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(validation(field, "must have str keys"));
            };
            let key = key
                .to_cow()
                .map_err(|_| validation(field, "has a key that is not valid Unicode"))?;
            map.insert(key.into_owned(), to_json(field, &item, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for item in v
            .try_iter()
            .map_err(|_| validation(field, "cannot be iterated"))?
        {
            let item = item.map_err(|_| validation(field, "cannot be iterated"))?;
            items.push(to_json(field, &item, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    let type_name = v
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    Err(validation(
        field,
        format!("must be a str, int, bool, dict or None, got {type_name}"),
    ))
}

/// The caller's keywords as the JSON object the core's bridge takes.
fn input_from(payload: &Bound<'_, PyDict>) -> PyResult<Value> {
    let mut map = Map::new();
    for (k, v) in payload.iter() {
        let key: String = k.extract()?;
        let value = to_json(&key, &v, 0).map_err(|e| to_pyerr(&e))?;
        map.insert(key, value);
    }
    Ok(Value::Object(map))
}

/// The native client: the core's client, driven through the bridge, blocking or for asyncio.
/// Blocking calls run on the calling thread, on its own connection (`bridge::call_blocking`);
/// asyncio calls on the core's shared runtime.
#[pyclass(module = "cinetpay._cinetpay", frozen)]
struct NativeClient {
    inner: cinetpay::Client,
}

#[pymethods]
impl NativeClient {
    /// A client from a settings dict (the core's one schema: `cinetpay.settings`), optionally
    /// on top of the `CINETPAY_*` variables.
    #[new]
    #[pyo3(signature = (settings, from_env=false))]
    fn new(settings: &Bound<'_, PyDict>, from_env: bool) -> PyResult<Self> {
        let settings = input_from(settings)?;
        bridge::client_from_settings(&settings, from_env)
            .map(|inner| NativeClient { inner })
            .map_err(|e| to_pyerr(&e))
    }

    /// Calls `operation` (one of `OPERATIONS`) with `payload`, waiting with the GIL released;
    /// returns its JSON result as Python objects.
    fn call(
        &self,
        py: Python<'_>,
        operation: &str,
        payload: &Bound<'_, PyDict>,
    ) -> PyResult<Py<PyAny>> {
        let input = input_from(payload)?;
        let client = &self.inner;
        let result = py.detach(|| bridge::call_blocking(client, operation, &input));
        to_py(py, &result.map_err(|e| to_pyerr(&e))?)
    }

    /// Starts `operation` for an asyncio caller and returns the call's id in `calls`. Parsing
    /// and validation happen here: a bad request raises before anything is spawned.
    fn call_async(
        &self,
        operation: &str,
        payload: &Bound<'_, PyDict>,
        calls: &Completions,
    ) -> PyResult<u64> {
        let input = input_from(payload)?;
        let client = self.inner.clone();
        let prepared = bridge::prepare(&client, operation, &input).map_err(|e| to_pyerr(&e))?;
        calls.spawn(async move { prepared.send(&client).await })
    }

    #[getter]
    fn site_id(&self) -> String {
        self.inner.config().site_id.clone()
    }

    #[getter]
    fn base_url(&self) -> String {
        self.inner.config().base_url.clone()
    }

    #[getter]
    fn user_agent(&self) -> String {
        self.inner.user_agent().to_owned()
    }
}

/// The stable error code strings, in the core's order.
fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

#[pymodule]
fn _cinetpay(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The asyncio client's runtime, built now so that a failure shows at import. Blocking calls
    // run on the calling thread (`bridge::call_blocking`).
    blocking::runtime().map_err(|e| to_pyerr(&e))?;
    m.add_class::<NativeClient>()?;
    m.add_class::<Completions>()?;
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add("__version__", cinetpay::VERSION)?;
    m.add("ERROR_CODES", error_codes())?;
    let families: std::collections::HashMap<&str, &str> = cinetpay::ERROR_TABLE
        .iter()
        .map(|row| (row.name, row.family.as_str()))
        .collect();
    m.add("ERROR_FAMILIES", families)?;
    m.add("FIELDS", cinetpay::FIELDS.to_vec())?;
    m.add("OPERATIONS", bridge::operations())?;
    m.add("SCHEMA", to_py(m.py(), &bridge::schema())?)?;
    Ok(())
}
