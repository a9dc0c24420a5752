namespace FedFunctions.Core.Relabeling;

/// <summary>RelabelAction is what one relabel rule does (Prometheus' <c>relabel.Action</c>).</summary>
public enum RelabelAction
{
    /// <summary>Sets <c>target_label</c> to the expanded replacement when the regex matches (default).</summary>
    Replace,
    /// <summary>Drops the series/target unless the regex matches the joined source values.</summary>
    Keep,
    /// <summary>Drops the series/target when the regex matches the joined source values.</summary>
    Drop,
    /// <summary>Drops unless the joined source values equal the value of <c>target_label</c>.</summary>
    KeepEqual,
    /// <summary>Drops when the joined source values equal the value of <c>target_label</c>.</summary>
    DropEqual,
    /// <summary>Sets <c>target_label</c> to a hash of the joined source values modulo <c>modulus</c>.</summary>
    HashMod,
    /// <summary>Copies every label whose name matches the regex to the name given by the replacement.</summary>
    LabelMap,
    /// <summary>Deletes every label whose name matches the regex.</summary>
    LabelDrop,
    /// <summary>Deletes every label whose name does not match the regex.</summary>
    LabelKeep,
    /// <summary>Sets <c>target_label</c> to the lower-cased joined source values.</summary>
    Lowercase,
    /// <summary>Sets <c>target_label</c> to the upper-cased joined source values.</summary>
    Uppercase,
}
