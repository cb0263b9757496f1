namespace VibeZ.Channels.Storage;

/// <summary>What an append did with one message.</summary>
public enum AppendStatus
{
    /// <summary>It got the next offset.</summary>
    Appended,

    /// <summary>Its id was appended before with the same data; it keeps the first offset.</summary>
    Duplicate,

    /// <summary>Its id was used before with other data: refused.</summary>
    Conflict,
}
