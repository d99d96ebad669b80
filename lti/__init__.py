"""LTI 1.3 tool: Canvas navigation links that open the portal (docs/lti.md).

`config` describes the tool and reads the registration, `tool_key` is the tool's own key,
`state` binds a launch to the browser that started it, `launch` checks Canvas's id_token,
`cookies` makes the portal's cookies usable inside Canvas's frame.
"""
