"""Agent Assist: an offline desktop copilot for customer-support agents."""

__version__ = "0.1.0"
APP_NAME = "Agent Assist"
APP_ID = "agent-assist"
