"""SCORM 1.2 API error codes (RTE 1.2 section 3.3.3, "Error Codes") with their messages."""

from __future__ import annotations

from chalicelib.standards.common.errors import ErrorCode, error_table

NO_ERROR = 0
GENERAL_EXCEPTION = 101
INVALID_ARGUMENT = 201
ELEMENT_CANNOT_HAVE_CHILDREN = 202
ELEMENT_NOT_AN_ARRAY = 203
NOT_INITIALIZED = 301
NOT_IMPLEMENTED = 401
INVALID_SET_VALUE_KEYWORD = 402
ELEMENT_IS_READ_ONLY = 403
ELEMENT_IS_WRITE_ONLY = 404
INCORRECT_DATA_TYPE = 405

ERRORS: dict[int, ErrorCode] = error_table(
    ErrorCode(0, "No error", "No error occurred; the previous API call was successful."),
    ErrorCode(101, "General Exception", "An unexpected error occurred (e.g. LMSInitialize twice, or after LMSFinish)."),
    ErrorCode(201, "Invalid argument error", "The element is not part of the data model, or an argument was invalid."),
    ErrorCode(202, "Element cannot have children", "_children was asked of an element that has none."),
    ErrorCode(203, "Element not an array - cannot have count", "_count was asked of an element that is not a list."),
    ErrorCode(301, "Not initialized", "The call was made before LMSInitialize or after LMSFinish."),
    ErrorCode(401, "Not implemented error", "The element is not implemented."),
    ErrorCode(402, "Invalid set value, element is a keyword", "_children, _count and _version cannot be set."),
    ErrorCode(403, "Element is read only", "The element cannot be set."),
    ErrorCode(404, "Element is write only", "The element cannot be read."),
    ErrorCode(405, "Incorrect Data Type", "The value does not match the element's data type or range."),
)
