namespace System.Diagnostics.CodeAnalysis;

/// <summary>netstandard2.0 lacks this nullable-analysis attribute; the compiler recognises it by name.</summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
internal sealed class NotNullWhenAttribute(bool returnValue) : Attribute
{
    public bool ReturnValue { get; } = returnValue;
}
