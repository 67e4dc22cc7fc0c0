"""zhuanbao (专报): build Chinese work bulletins (工作专报) as Word documents."""

__version__ = "0.1.0"
