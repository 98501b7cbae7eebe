"""SCORM 2004 4th Edition API error codes (RTE section 3.1.7, Table 3.1.7a) with their messages.

The codes are grouped as the RTE groups them: 0 no error, 1xx session errors (Initialize,
Terminate, GetValue/SetValue/Commit before or after the session), 2xx argument errors, 3xx general
get/set/commit failures, 4xx data model errors.
"""

from __future__ import annotations

from chalicelib.standards.common.errors import ErrorCode, error_table

NO_ERROR = 0
GENERAL_EXCEPTION = 101
GENERAL_INITIALIZATION_FAILURE = 102
ALREADY_INITIALIZED = 103
CONTENT_INSTANCE_TERMINATED = 104
GENERAL_TERMINATION_FAILURE = 111
TERMINATION_BEFORE_INITIALIZATION = 112
TERMINATION_AFTER_TERMINATION = 113
RETRIEVE_DATA_BEFORE_INITIALIZATION = 122
RETRIEVE_DATA_AFTER_TERMINATION = 123
STORE_DATA_BEFORE_INITIALIZATION = 132
STORE_DATA_AFTER_TERMINATION = 133
COMMIT_BEFORE_INITIALIZATION = 142
COMMIT_AFTER_TERMINATION = 143
GENERAL_ARGUMENT_ERROR = 201
GENERAL_GET_FAILURE = 301
GENERAL_SET_FAILURE = 351
GENERAL_COMMIT_FAILURE = 391
UNDEFINED_ELEMENT = 401
UNIMPLEMENTED_ELEMENT = 402
VALUE_NOT_INITIALIZED = 403
ELEMENT_IS_READ_ONLY = 404
ELEMENT_IS_WRITE_ONLY = 405
TYPE_MISMATCH = 406
VALUE_OUT_OF_RANGE = 407
DEPENDENCY_NOT_ESTABLISHED = 408

ERRORS: dict[int, ErrorCode] = error_table(
    ErrorCode(0, "No Error", "No error occurred; the previous API call was successful."),
    ErrorCode(101, "General Exception", "An unexpected error occurred in the LMS."),
    ErrorCode(102, "General Initialization Failure", "The communication session could not be started."),
    ErrorCode(103, "Already Initialized", "Initialize was called after a successful Initialize."),
    ErrorCode(104, "Content Instance Terminated", "Initialize was called after Terminate."),
    ErrorCode(111, "General Termination Failure", "The communication session could not be ended."),
    ErrorCode(112, "Termination Before Initialization", "Terminate was called before Initialize."),
    ErrorCode(113, "Termination After Termination", "Terminate was called after Terminate."),
    ErrorCode(122, "Retrieve Data Before Initialization", "GetValue was called before Initialize."),
    ErrorCode(123, "Retrieve Data After Termination", "GetValue was called after Terminate."),
    ErrorCode(132, "Store Data Before Initialization", "SetValue was called before Initialize."),
    ErrorCode(133, "Store Data After Termination", "SetValue was called after Terminate."),
    ErrorCode(142, "Commit Before Initialization", "Commit was called before Initialize."),
    ErrorCode(143, "Commit After Termination", "Commit was called after Terminate."),
    ErrorCode(201, "General Argument Error", "An argument was given where the empty string is required."),
    ErrorCode(301, "General Get Failure", "The element cannot be read (no such index, or no such keyword)."),
    ErrorCode(351, "General Set Failure", "The value cannot be stored (index, uniqueness or count rule)."),
    ErrorCode(391, "General Commit Failure", "The data could not be saved."),
    ErrorCode(401, "Undefined Data Model Element", "The element is not part of the SCORM 2004 data model."),
    ErrorCode(402, "Unimplemented Data Model Element", "The element is defined but not implemented."),
    ErrorCode(403, "Data Model Element Value Not Initialized", "The element has no value yet."),
    ErrorCode(404, "Data Model Element Is Read Only", "The element cannot be set."),
    ErrorCode(405, "Data Model Element Is Write Only", "The element cannot be read."),
    ErrorCode(406, "Data Model Element Type Mismatch", "The value does not match the element's data type."),
    ErrorCode(407, "Data Model Element Value Out Of Range", "The value is outside the element's range."),
    ErrorCode(408, "Data Model Dependency Not Established", "A required element (id or type) is not set yet."),
)
