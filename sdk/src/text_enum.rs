//! Text forms of the WIT enums, as spelled in WIT, manifests and JSON.

/// Implements `as_str`, `ALL`, `Display`, `FromStr` and serde support for a
/// WIT enum, using its WIT case names as the text form.
macro_rules! text_enum {
    ($type:ty, $what:literal, [$($case:ident => $text:literal),+ $(,)?]) => {
        impl $type {
            /// Every case, in WIT declaration order.
            pub const ALL: &'static [$type] = &[$(<$type>::$case),+];

            /// Returns the WIT case name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(<$type>::$case => $text,)+
                }
            }
        }

        impl ::core::fmt::Display for $type {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for $type {
            type Err = $crate::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok(<$type>::$case),)+
                    _ => Err($crate::Error::Invalid(format!(
                        "unknown {} `{}`: expected one of {}",
                        $what,
                        text,
                        [$($text),+].join(", "),
                    ))),
                }
            }
        }

        impl ::serde::Serialize for $type {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $type {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(|error: $crate::Error| {
                    <D::Error as ::serde::de::Error>::custom(error.message())
                })
            }
        }
    };
}

pub(crate) use text_enum;
