from .content import Article, ArticleTranslation, Category, CategoryTranslation, Topic, TopicArticle
from .deflection import Deflection
from .feedback import ArticleFeedback
from .search import SearchWord

__all__ = [
    "Article",
    "ArticleFeedback",
    "ArticleTranslation",
    "Category",
    "CategoryTranslation",
    "Deflection",
    "SearchWord",
    "Topic",
    "TopicArticle",
]
